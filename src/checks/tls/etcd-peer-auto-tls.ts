import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';

export default defineCheck({
  id: 'tls/etcd-peer-auto-tls',
  practice: 'tls',
  severity: 'high',
  cis: ['2.6'],
  title: 'etcd peers use self-signed auto-TLS certificates',
  why: 'With --peer-auto-tls a member generates a self-signed peer certificate and skips verifying its peers (etcd transport.SelfCert sets InsecureSkipVerify): any host that reaches port 2380 can pose as a member and receive the replicated keyspace.',
  remediation: 'Remove --peer-auto-tls (or set ETCD_PEER_AUTO_TLS=false) and configure --peer-cert-file, --peer-key-file and --peer-trusted-ca-file from the etcd CA (kubeadm: /etc/kubernetes/manifests/etcd.yaml).',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --peer-auto-tls (flags, ETCD_* env, --config-file; default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const e = flag(cp, c, 'peer-auto-tls');
      if (isTrue(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: 'peer-auto-tls is on', ...linkOf(cp, 'etcd-peer', { from: c }) });
    }
  },
});
