import check from '../../../src/checks/tls/apiserver-etcd-ca.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm', cp: singleHost(kubeadmNode()) }],
  invalid: [{ name: 'no --etcd-cafile', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--etcd-cafile') })), findings: [{ flag: '--etcd-cafile', source: 'default', link: 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1' }] }],
});
