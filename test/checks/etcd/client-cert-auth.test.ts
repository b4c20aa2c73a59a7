import check from '../../../src/checks/etcd/client-cert-auth.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'flag true', cp: singleHost((h) => h.etcd(['--client-cert-auth=true', '--listen-client-urls=https://10.0.0.1:2379'])) },
    { name: 'bare boolean', cp: singleHost((h) => h.etcd(['--client-cert-auth'])) },
    { name: 'env ETCD_CLIENT_CERT_AUTH', cp: singleHost((h) => h.etcd([], { origin: 'systemd', env: { ETCD_CLIENT_CERT_AUTH: 'true' } })) },
    { name: 'etcd config file (client-transport-security)', cp: singleHost((h) => h.etcd(['--config-file=/etc/etcd/etcd.conf.yml'], { origin: 'systemd', config: { 'client-transport-security': { 'client-cert-auth': true } } })) },
  ],
  invalid: [
    { name: 'unset, default listener on localhost', cp: singleHost((h) => h.etcd([])), findings: [{ severity: 'high', source: 'default', value: 'false' }] },
    { name: 'false on a routable address', cp: singleHost((h) => h.etcd(['--client-cert-auth=false', '--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379'])), findings: [{ severity: 'critical', detail: 'https://10.0.0.1:2379' }] },
    {
      name: '--config-file wins over flags and env (etcd ignores them)',
      cp: singleHost((h) => h.etcd(['--config-file=/etc/etcd/etcd.conf.yml', '--client-cert-auth=true'], { origin: 'systemd', config: { 'listen-client-urls': 'http://0.0.0.0:2379' } })),
      findings: [{ severity: 'critical', field: 'client-transport-security.client-cert-auth' }],
    },
  ],
});
