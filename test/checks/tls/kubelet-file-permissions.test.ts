import check from '../../../src/checks/tls/kubelet-file-permissions.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { cert, KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm: config 0600, client CA 0644', cp: singleHost(kubeadmNode()) },
    { name: 'flag-only kubelet without a client CA: nothing to judge', cp: singleHost(kubeadmNode({ kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf'], kubeletConfig: null })) },
  ],
  invalid: [
    {
      name: 'kubelet config 0644 (kubeadm writes it so)',
      cp: singleHost((h) => { kubeadmNode()(h); h.file('var/lib/kubelet/config.yaml', { mode: 0o644 }); }),
      findings: [{ component: 'kubelet', file: 'var/lib/kubelet/config.yaml', value: '0644', detail: 'CIS 4.1.9' }],
    },
    { name: 'client CA world-writable', cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/pki/ca.crt', { mode: 0o666, certificates: [cert('kubernetes')] }); }), findings: [{ file: 'etc/kubernetes/pki/ca.crt', detail: 'CIS 4.1.7' }] },
    {
      name: 'a relative --client-ca-file in the config resolves against the config directory',
      cp: singleHost((h) => {
        kubeadmNode({ kubelet: KUBELET, kubeletConfig: { ...kubeletConfig(), authentication: { x509: { clientCAFile: 'pki/ca.crt' } } } })(h);
        h.file('var/lib/kubelet/pki/ca.crt', { mode: 0o644, uid: 1000, owner: 'kube', certificates: [cert('kubernetes')] });
      }),
      findings: [{ file: 'var/lib/kubelet/pki/ca.crt', value: 'kube:root', detail: 'CIS 4.1.8' }],
    },
  ],
});
