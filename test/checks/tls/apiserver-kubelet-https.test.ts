import check from '../../../src/checks/tls/apiserver-kubelet-https.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'unset (default true before 1.22, always https after)', cp: singleHost(kubeadmNode(), 'v1.20.15') },
    { name: 'bare --kubelet-https', cp: singleHost(kubeadmNode({ apiserver: [...APISERVER, '--kubelet-https'] }), 'v1.20.15') },
  ],
  invalid: [
    {
      name: '--kubelet-https=false on 1.20',
      cp: singleHost(kubeadmNode({ apiserver: [...APISERVER, '--kubelet-https=false'] }), 'v1.20.15'),
      findings: [{ flag: '--kubelet-https', value: 'false', link: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1' }],
    },
  ],
});
