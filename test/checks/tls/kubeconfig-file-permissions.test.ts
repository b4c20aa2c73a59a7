import check from '../../../src/checks/tls/kubeconfig-file-permissions.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { kubeadmNode, kubeconfig } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm: 0600 root:root', cp: singleHost(kubeadmNode()) },
    { name: 'stricter 0400 is fine', cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/scheduler.conf', { mode: 0o400, kubeconfig: kubeconfig('system:kube-scheduler') }); }) },
  ],
  invalid: [
    {
      name: 'scheduler.conf 0644',
      cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/scheduler.conf', { mode: 0o644, kubeconfig: kubeconfig('system:kube-scheduler') }); }),
      findings: [{ component: 'kube-scheduler', file: 'etc/kubernetes/scheduler.conf', value: '0644', detail: 'CIS 1.1.15' }],
    },
    {
      name: 'controller-manager.conf owned by a user',
      cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/controller-manager.conf', { mode: 0o600, uid: 1000, owner: 'alice', kubeconfig: kubeconfig('system:kube-controller-manager') }); }),
      findings: [{ component: 'kube-controller-manager', value: 'alice:root', detail: 'CIS 1.1.18' }],
    },
    {
      name: 'kubelet.conf 0640 and the bootstrap kubeconfig 0644',
      cp: singleHost((h) => {
        kubeadmNode()(h);
        h.file('etc/kubernetes/kubelet.conf', { mode: 0o640, kubeconfig: kubeconfig('system:node:cp-1') });
        h.file('etc/kubernetes/bootstrap-kubelet.conf', { mode: 0o644, kubeconfig: kubeconfig('tls-bootstrap-token-user', { token: true }) });
      }),
      findings: [{ file: 'etc/kubernetes/kubelet.conf', detail: 'CIS 4.1.5' }, { file: 'etc/kubernetes/bootstrap-kubelet.conf', value: '0644' }],
    },
  ],
});
