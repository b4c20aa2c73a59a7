import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue, splitList } from '../../model/effective.js';

export default defineCheck({
  id: 'etcd/peer-cert-allowed-cn',
  practice: 'etcd',
  severity: 'low',
  cis: [],
  title: 'etcd peers accept any certificate from the peer CA',
  why: 'With peer client-certificate auth, any certificate signed by --peer-trusted-ca-file can join the peer port. If that CA also issues other certificates (server or client certificates, or a shared CA), their holders can pose as a member and receive the replicated data. --peer-cert-allowed-cn (etcd ≥ 3.3) or --peer-cert-allowed-hostname pins the peer identity.',
  remediation: 'Set --peer-cert-allowed-cn to the common name the members\' peer certificates share (or --peer-cert-allowed-hostname), or use a CA that issues nothing but peer certificates.',
  references: ['https://etcd.io/docs/v3.6/op-guide/security/'],
  reads: 'etcd --initial-cluster, --peer-client-cert-auth, --peer-cert-allowed-cn, --peer-cert-allowed-hostname',
  run(cp, report) {
    const members = componentsOf(cp, 'etcd');
    for (const c of members) {
      const initialCluster = splitList(flag(cp, c, 'initial-cluster').value ?? '');
      if (initialCluster.length < 2 && members.length < 2) continue;
      if (!isTrue(flag(cp, c, 'peer-client-cert-auth'))) continue;
      const cn = flag(cp, c, 'peer-cert-allowed-cn');
      if (cn.value || flag(cp, c, 'peer-cert-allowed-hostname').value) continue;
      report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, cn), detail: `${Math.max(initialCluster.length, members.length)}-member cluster without a peer identity restriction` });
    }
  },
});
