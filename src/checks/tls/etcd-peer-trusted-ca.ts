import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/etcd-peer-trusted-ca',
  practice: 'tls',
  severity: 'high',
  cis: [],
  title: 'etcd does not verify peers against the etcd CA',
  why: 'Without --peer-trusted-ca-file an etcd member checks peer certificates against the system trust store only: real peers from the etcd CA fail, or with auto-TLS every certificate is accepted, so any host that reaches port 2380 can join the replication stream or pose as a member.',
  remediation: 'Set --peer-trusted-ca-file (or ETCD_PEER_TRUSTED_CA_FILE, or peer-transport-security.trusted-ca-file in the config file) to the etcd CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt in /etc/kubernetes/manifests/etcd.yaml).',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --peer-trusted-ca-file (flags, ETCD_* env, --config-file)',
  run: requireFlags('etcd', ['peer-trusted-ca-file'], 'etcd-peer'),
});
