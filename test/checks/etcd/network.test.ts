import listen from '../../../src/checks/etcd/listen-addresses.js';
import metrics from '../../../src/checks/etcd/metrics-url.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(listen, {
  valid: [
    { name: 'kubeadm: loopback plus the node address', cp: singleHost((h) => h.etcd(['--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.1:2379', '--listen-peer-urls=https://10.0.0.1:2380'])) },
    { name: 'defaults (localhost)', cp: singleHost((h) => h.etcd([])) },
  ],
  invalid: [
    {
      name: '0.0.0.0 and [::]',
      cp: singleHost((h) => h.etcd(['--listen-client-urls=https://0.0.0.0:2379', '--listen-peer-urls=https://[::]:2380'])),
      findings: [{ flag: '--listen-client-urls', detail: '0.0.0.0' }, { flag: '--listen-peer-urls', detail: '[::]' }],
    },
    { name: 'from ETCD_LISTEN_CLIENT_URLS', cp: singleHost((h) => h.etcd([], { origin: 'systemd', env: { ETCD_LISTEN_CLIENT_URLS: 'https://0.0.0.0:2379' } })), findings: [{ source: 'env', file: 'etc/etcd.env' }] },
  ],
});

testCheck(metrics, {
  valid: [
    { name: 'kubeadm loopback', cp: singleHost((h) => h.etcd(['--listen-metrics-urls=http://127.0.0.1:2381'])) },
    { name: 'not set', cp: singleHost((h) => h.etcd([])) },
  ],
  invalid: [{ name: 'plain http on all interfaces', cp: singleHost((h) => h.etcd(['--listen-metrics-urls=http://0.0.0.0:2381'])), findings: [{ flag: '--listen-metrics-urls', detail: 'plain http' }] }],
});
