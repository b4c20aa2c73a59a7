import check from '../../../src/checks/tls/etcd-servers-https.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'https://127.0.0.1:2379', cp: singleHost(kubeadmNode()) },
    { name: 'https overrides', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--etcd-servers-overrides=/events#https://10.0.0.30:2379;https://10.0.0.31:2379') })) },
  ],
  invalid: [
    {
      name: 'http in --etcd-servers, one finding per plaintext URL',
      cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--etcd-servers=https://127.0.0.1:2379,http://10.0.0.10:2379') })),
      findings: [{ severity: 'critical', flag: '--etcd-servers', detail: 'http://10.0.0.10:2379 is plain http', link: 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1 http://10.0.0.10:2379' }],
    },
    { name: 'http in an override', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--etcd-servers-overrides=/events#http://10.0.0.30:2379') })), findings: [{ flag: '--etcd-servers-overrides', link: 'apiserver-etcd:kube-apiserver@cp-1->etcd@10.0.0.30' }] },
  ],
});
