import check from '../../../src/checks/tls/etcd-peer-trusted-ca.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm', cp: singleHost(kubeadmNode()) },
    { name: 'ETCD_PEER_TRUSTED_CA_FILE', cp: singleHost((h) => h.etcd([], { origin: 'systemd', env: { ETCD_PEER_TRUSTED_CA_FILE: '/etc/etcd/ca.crt' } })) },
  ],
  invalid: [{ name: 'unset', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--peer-trusted-ca-file') })), findings: [{ flag: '--peer-trusted-ca-file', severity: 'high' }] }],
});
