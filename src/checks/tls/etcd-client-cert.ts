import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/etcd-client-cert',
  practice: 'tls',
  severity: 'high',
  cis: ['2.1'],
  title: 'etcd has no serving certificate for clients',
  why: 'Without --cert-file/--key-file etcd cannot serve TLS to its clients: the API server\'s traffic, every Secret included, crosses the network in plaintext, or etcd falls back to an auto-generated certificate nobody can verify.',
  remediation:
    'Set --cert-file and --key-file (or ETCD_CERT_FILE/ETCD_KEY_FILE, or client-transport-security in the config file) to a serving certificate from the etcd CA (kubeadm: /etc/kubernetes/pki/etcd/server.{crt,key} in /etc/kubernetes/manifests/etcd.yaml) and use https:// in --listen-client-urls.',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --cert-file, --key-file (flags, ETCD_* env, --config-file)',
  run: requireFlags('etcd', ['cert-file', 'key-file']),
});
