import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/etcd-peer-cert',
  practice: 'tls',
  severity: 'high',
  cis: ['2.4'],
  title: 'etcd has no peer certificate',
  why: 'etcd members replicate the whole keyspace to each other. Without --peer-cert-file/--peer-key-file the replication stream, every Secret included, is plaintext or uses an unverifiable auto-generated certificate, and members cannot prove who they are.',
  remediation:
    'Set --peer-cert-file and --peer-key-file (or ETCD_PEER_CERT_FILE/ETCD_PEER_KEY_FILE, or peer-transport-security in the config file) to a peer certificate from the etcd CA (kubeadm: /etc/kubernetes/pki/etcd/peer.{crt,key} in /etc/kubernetes/manifests/etcd.yaml) and use https:// peer URLs.',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --peer-cert-file, --peer-key-file (flags, ETCD_* env, --config-file)',
  run: requireFlags('etcd', ['peer-cert-file', 'peer-key-file'], 'etcd-peer'),
});
