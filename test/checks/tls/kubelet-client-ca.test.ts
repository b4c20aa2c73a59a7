import check from '../../../src/checks/tls/kubelet-client-ca.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'clientCAFile in the config', cp: singleHost(kubeadmNode()) },
    { name: '--client-ca-file flag', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--client-ca-file', '/etc/kubernetes/pki/ca.crt'], kubeletConfig: { authorization: { mode: 'Webhook' } } })) },
  ],
  invalid: [
    {
      name: 'no client CA anywhere',
      cp: singleHost(kubeadmNode({ kubeletConfig: { ...kubeletConfig(), authentication: { anonymous: { enabled: false } } } })),
      findings: [{ component: 'kubelet', field: 'authentication.x509.clientCAFile', source: 'default', link: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1' }],
    },
  ],
});
