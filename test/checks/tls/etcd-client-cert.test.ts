import check from '../../../src/checks/tls/etcd-client-cert.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

const external = ['--name=etcd-1', '--listen-client-urls=https://10.0.0.20:2379'];

testCheck(check, {
  valid: [
    { name: 'kubeadm flags', cp: singleHost(kubeadmNode()) },
    { name: 'external etcd with ETCD_* environment', cp: singleHost((h) => h.etcd(external, { origin: 'systemd', env: { ETCD_CERT_FILE: '/etc/etcd/pki/server.crt', ETCD_KEY_FILE: '/etc/etcd/pki/server.key' } })) },
    { name: 'etcd --config-file client-transport-security', cp: singleHost((h) => h.etcd(['--config-file=/etc/etcd/etcd.conf.yml'], { origin: 'systemd', config: { 'client-transport-security': { 'cert-file': '/etc/etcd/s.crt', 'key-file': '/etc/etcd/s.key' } }, configPath: 'etc/etcd/etcd.conf.yml' })) },
  ],
  invalid: [
    { name: 'no certificate flags', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--cert-file', '!--key-file') })), findings: [{ component: 'etcd', flag: '--cert-file' }] },
    {
      name: 'the config file wins: flags beside --config-file are ignored',
      cp: singleHost((h) => h.etcd(['--config-file=/etc/etcd/etcd.conf.yml', '--cert-file=/etc/etcd/s.crt', '--key-file=/etc/etcd/s.key'], { origin: 'systemd', config: { name: 'etcd-1' }, configPath: 'etc/etcd/etcd.conf.yml' })),
      findings: [{ flag: '--cert-file', field: 'client-transport-security.cert-file', source: 'default' }],
    },
  ],
});
