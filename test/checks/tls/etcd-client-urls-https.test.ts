import check from '../../../src/checks/tls/etcd-client-urls-https.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm https client URLs (the http metrics URL is not a client URL)', cp: singleHost(kubeadmNode()) },
  ],
  invalid: [
    {
      name: 'unset: etcd defaults to http://localhost:2379 (loopback: high)',
      cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--listen-client-urls', '!--advertise-client-urls') })),
      findings: [
        { flag: '--listen-client-urls', severity: 'high', source: 'default', detail: 'loopback only' },
        { flag: '--advertise-client-urls', severity: 'high', source: 'default' },
      ],
    },
    { name: 'plaintext on the node IP: critical', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--listen-client-urls=https://127.0.0.1:2379,http://10.0.0.10:2379') })), findings: [{ flag: '--listen-client-urls', severity: 'critical', detail: 'http://10.0.0.10:2379', link: 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1' }] },
    { name: 'ETCD_LISTEN_CLIENT_URLS in an env file', cp: singleHost((h) => h.etcd(['--advertise-client-urls=https://10.0.0.20:2379'], { origin: 'systemd', env: { ETCD_LISTEN_CLIENT_URLS: 'http://0.0.0.0:2379' } })), findings: [{ source: 'env', severity: 'critical', value: 'http://0.0.0.0:2379' }] },
  ],
});
