import check from '../../../src/checks/tls/kubelet-rotate-certificates.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

const omitted = (): Record<string, unknown> => {
  const c = kubeletConfig();
  delete c.rotateCertificates;
  return c;
};

testCheck(check, {
  valid: [
    { name: 'rotateCertificates: true', cp: singleHost(kubeadmNode()) },
    { name: 'flag-only --rotate-certificates', cp: singleHost(kubeadmNode({ kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf', '--rotate-certificates'], kubeletConfig: null })) },
  ],
  invalid: [
    // kube-bench passes an absent field (4.2.10 "absent OR true"); the config-file default is false.
    { name: 'config file omits rotateCertificates: default false', cp: singleHost(kubeadmNode({ kubeletConfig: omitted() })), findings: [{ field: 'rotateCertificates', source: 'default', value: 'false', detail: 'unset: kubelet defaults to false', link: 'kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1' }] },
    { name: 'flag-only kubelet: default false', cp: singleHost(kubeadmNode({ kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf'], kubeletConfig: null })), findings: [{ flag: '--rotate-certificates', source: 'default' }] },
    { name: '--rotate-certificates=false wins over the config file', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--rotate-certificates=false'] })), findings: [{ flag: '--rotate-certificates', value: 'false', source: 'unit' }] },
  ],
});
