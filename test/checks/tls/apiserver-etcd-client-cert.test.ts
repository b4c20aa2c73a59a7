import check from '../../../src/checks/tls/apiserver-etcd-client-cert.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm', cp: singleHost(kubeadmNode()) }],
  invalid: [
    { name: 'no etcd client cert', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--etcd-certfile', '!--etcd-keyfile') })), findings: [{ flag: '--etcd-certfile', link: 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1' }] },
    { name: 'no key', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--etcd-keyfile') })), findings: [{ flag: '--etcd-keyfile', detail: '--etcd-keyfile is not set' }] },
  ],
});
