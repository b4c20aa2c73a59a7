import check from '../../../src/checks/tls/apiserver-kubelet-client-cert.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm sets both', cp: singleHost(kubeadmNode()) },
    { name: '--flag value form', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--kubelet-client-certificate', '!--kubelet-client-key', '+--kubelet-client-certificate', '+/etc/k/pki/c.crt', '+--kubelet-client-key', '+/etc/k/pki/c.key') })) },
  ],
  invalid: [
    {
      name: 'neither set',
      cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--kubelet-client-certificate', '!--kubelet-client-key') })),
      findings: [{ flag: '--kubelet-client-certificate', source: 'default', value: null, link: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1', detail: '--kubelet-client-certificate and --kubelet-client-key are not set' }],
    },
    { name: 'key only', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--kubelet-client-certificate') })), findings: [{ flag: '--kubelet-client-certificate' }] },
    { name: 'empty value', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--kubelet-client-key=') })), findings: [{ flag: '--kubelet-client-key', source: 'file' }] },
  ],
});
