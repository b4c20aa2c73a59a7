import check from '../../../src/checks/tls/kubeconfig-insecure.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { CONTROLLER_MANAGER, kubeadmNode, kubeconfig } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm kubeconfigs: https and the cluster CA', cp: singleHost(kubeadmNode()) },
    { name: 'kubeconfigs not read: nothing to judge here (input problems say so)', cp: singleHost(kubeadmNode({ noFiles: true })) },
  ],
  invalid: [
    {
      name: 'scheduler kubeconfig with insecure-skip-tls-verify',
      cp: singleHost((h) => {
        kubeadmNode()(h);
        h.file('etc/kubernetes/scheduler.conf', { mode: 0o600, kubeconfig: kubeconfig('system:kube-scheduler', { insecure: true }) });
      }),
      findings: [{ component: 'kube-scheduler', severity: 'high', file: 'etc/kubernetes/scheduler.conf', line: 4, field: 'clusters.kubernetes.insecure-skip-tls-verify', link: 'scheduler-apiserver:kube-scheduler@cp-1->kube-apiserver@cp-1' }],
    },
    {
      name: 'kubelet kubeconfig with an http server',
      cp: singleHost((h) => {
        kubeadmNode()(h);
        h.file('etc/kubernetes/kubelet.conf', { mode: 0o600, kubeconfig: kubeconfig('system:node:cp-1', { server: 'http://10.0.0.10:8080', token: true }) });
      }),
      findings: [{ component: 'kubelet', severity: 'critical', value: 'http://10.0.0.10:8080', link: 'kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1' }],
    },
    {
      name: 'controller manager --master http:// overrides its kubeconfig',
      cp: singleHost(kubeadmNode({ controllerManager: [...CONTROLLER_MANAGER, '--master=http://127.0.0.1:8080'] })),
      findings: [{ component: 'kube-controller-manager', severity: 'critical', flag: '--master', link: 'controller-manager-apiserver:kube-controller-manager@cp-1->kube-apiserver@cp-1' }],
    },
    {
      name: 'one file named by three flags is reported once',
      cp: singleHost((h) => {
        kubeadmNode()(h);
        h.file('etc/kubernetes/controller-manager.conf', { mode: 0o600, kubeconfig: kubeconfig('system:kube-controller-manager', { insecure: true }) });
      }),
      findings: [{ component: 'kube-controller-manager', detail: '--kubeconfig etc/kubernetes/controller-manager.conf' }],
    },
  ],
});
