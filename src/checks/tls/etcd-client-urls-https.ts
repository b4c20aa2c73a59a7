import { defineCheck } from '../registry.js';
import { DOCS } from './common.js';
import { plaintextUrlsRun } from './etcd-urls.js';

export default defineCheck({
  id: 'tls/etcd-client-urls-https',
  practice: 'tls',
  severity: 'critical',
  cis: [],
  title: 'etcd serves clients over plain http',
  why: 'An http:// client URL serves the etcd API without TLS and without client certificates: whoever reaches it reads and writes every object of the cluster, Secrets included, and everything the API server sends crosses the wire in clear. etcd listens on http://localhost:2379 when --listen-client-urls is unset. kube-bench checks the certificate flags but not the URL scheme.',
  remediation:
    'Use https:// in --listen-client-urls and --advertise-client-urls (or ETCD_LISTEN_CLIENT_URLS/ETCD_ADVERTISE_CLIENT_URLS, or the config file), with --cert-file/--key-file and --client-cert-auth (kubeadm: /etc/kubernetes/manifests/etcd.yaml). Keep plaintext metrics on --listen-metrics-urls bound to 127.0.0.1.',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --listen-client-urls, --advertise-client-urls (default http://localhost:2379)',
  run: plaintextUrlsRun(['listen-client-urls', 'advertise-client-urls'], 'apiserver-etcd', { network: 'critical', loopback: 'high' }),
});
