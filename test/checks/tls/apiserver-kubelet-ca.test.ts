import check from '../../../src/checks/tls/apiserver-kubelet-ca.js';
import { testCheck } from '../../helpers/check-tester.js';
import { controlPlane, singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'set to the cluster CA', cp: singleHost(kubeadmNode()) }],
  invalid: [
    {
      name: 'unset (kubeadm default)',
      cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--kubelet-certificate-authority') })),
      findings: [{ component: 'kube-apiserver', severity: 'high', flag: '--kubelet-certificate-authority', source: 'default', file: 'etc/kubernetes/manifests/kube-apiserver.yaml', line: null, link: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1' }],
    },
    {
      name: 'one finding per API server in HA, each linked to its own links',
      cp: controlPlane()
        .host('cp-1', kubeadmNode({ apiserver: edit(APISERVER, '!--kubelet-certificate-authority') }))
        .host('cp-2', kubeadmNode({ apiserver: edit(APISERVER, '!--kubelet-certificate-authority') }))
        .build(),
      findings: [
        { host: 'cp-1', link: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1' },
        { host: 'cp-2', link: 'apiserver-kubelet:kube-apiserver@cp-2->kubelet@cp-1' },
      ],
    },
  ],
});
