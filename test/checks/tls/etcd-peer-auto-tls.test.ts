import check from '../../../src/checks/tls/etcd-peer-auto-tls.js';
import { testCheck } from '../../helpers/check-tester.js';
import { controlPlane, singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

const CLUSTER = '--initial-cluster=cp-1=https://10.0.0.10:2380,cp-2=https://10.0.0.11:2380';

testCheck(check, {
  valid: [{ name: 'unset', cp: singleHost(kubeadmNode()) }],
  invalid: [
    {
      name: 'peer auto-TLS on a two-member cluster links the peer link',
      cp: controlPlane()
        .host('cp-1', kubeadmNode({ etcd: edit(ETCD, CLUSTER, '--peer-auto-tls=true') }))
        .host('cp-2', (h) => {
          h.host.addresses.push('10.0.0.11');
          h.etcd(edit(ETCD, CLUSTER, '--name=cp-2'));
        })
        .build(),
      findings: [{ host: 'cp-1', value: 'true', link: 'etcd-peer:etcd@cp-1->etcd@cp-2' }],
    },
  ],
});
