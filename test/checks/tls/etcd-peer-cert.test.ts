import check from '../../../src/checks/tls/etcd-peer-cert.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm', cp: singleHost(kubeadmNode()) }],
  invalid: [
    { name: 'no peer certificate', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--peer-cert-file', '!--peer-key-file') })), findings: [{ flag: '--peer-cert-file', detail: 'are not set' }] },
    { name: 'empty env value', cp: singleHost((h) => h.etcd(['--peer-cert-file=/p.crt'], { origin: 'systemd', env: { ETCD_PEER_KEY_FILE: '' } })), findings: [{ flag: '--peer-key-file', source: 'env', file: 'etc/etcd.env' }] },
  ],
});
