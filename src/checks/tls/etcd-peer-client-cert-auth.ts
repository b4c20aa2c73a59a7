import { defineCheck } from '../registry.js';
import { componentsOf, defaultDetail, evidenceFor, flag, hostOf, isTrue } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';

export default defineCheck({
  id: 'tls/etcd-peer-client-cert-auth',
  practice: 'tls',
  severity: 'high',
  cis: ['2.5'],
  title: 'etcd does not require certificates from its peers',
  why: 'Without --peer-client-cert-auth an etcd member accepts peer connections without a certificate from the etcd CA (unless a peer trusted CA is set): any host that reaches port 2380 can talk the raft protocol to it and receive or inject cluster data.',
  remediation: 'Set --peer-client-cert-auth=true (or ETCD_PEER_CLIENT_CERT_AUTH=true, or peer-transport-security.client-cert-auth in the config file) together with --peer-trusted-ca-file (kubeadm: /etc/kubernetes/manifests/etcd.yaml).',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --peer-client-cert-auth (flags, ETCD_* env, --config-file; default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const e = flag(cp, c, 'peer-client-cert-auth');
      if (isTrue(e)) continue;
      const detail = defaultDetail(c, e) ?? `peer-client-cert-auth is ${e.value ?? 'empty'}`;
      // etcd already requires peer certificates when a peer trusted CA is set (client/pkg/transport/listener.go: ServerConfig).
      const trusted = flag(cp, c, 'peer-trusted-ca-file');
      const implied = trusted.value !== undefined && trusted.value !== '';
      report({
        component: c,
        host: hostOf(cp, c),
        evidence: evidenceFor(c, e),
        ...(implied ? { severity: 'low' as const, detail: `${detail}; peer certificates are still required because --peer-trusted-ca-file is set, so only the explicit setting is missing` } : { detail }),
        ...linkOf(cp, 'etcd-peer', { to: c }),
      });
    }
  },
});
