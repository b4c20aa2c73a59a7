import { defineCheck } from '../registry.js';
import type { ComponentKind } from '../../model/control-plane.js';
import type { Severity } from '../../model/finding.js';
import { componentsOf, defaultDetail, evidenceFor, flag, hostOf, versionOf } from '../../model/effective.js';
import { atLeast, formatVersion } from '../../model/version.js';
import { DOCS } from './common.js';

interface InsecureServing {
  kind: ComponentKind;
  flag: string;
  /** from this version insecure serving is gone (the flag accepts only 0, or is ignored) */
  servingRemoved: string;
  /** from this version the flag no longer exists: the component refuses to start with it */
  flagRemoved: string;
  severity: Severity;
  /** what happens with a non-zero value between servingRemoved and flagRemoved */
  inBetween: string;
}

/** kubernetes/kubernetes#95856 (apiserver, 1.20), #96216 (controller manager, 1.22), #96345 (scheduler, 1.23), #106859 (flags removed, 1.24). */
const INSECURE: readonly InsecureServing[] = [
  { kind: 'kube-apiserver', flag: 'insecure-port', servingRemoved: '1.20', flagRemoved: '1.24', severity: 'critical', inBetween: 'only 0 is accepted: kube-apiserver refuses to start' },
  { kind: 'kube-controller-manager', flag: 'port', servingRemoved: '1.22', flagRemoved: '1.24', severity: 'high', inBetween: 'the flag has no effect any more' },
  { kind: 'kube-scheduler', flag: 'port', servingRemoved: '1.23', flagRemoved: '1.24', severity: 'high', inBetween: 'the flag has no effect any more' },
];

export default defineCheck({
  id: 'tls/insecure-port',
  practice: 'tls',
  severity: 'critical',
  cis: [],
  title: 'Component serves plain HTTP without authentication (insecure port)',
  why: 'The insecure port serves HTTP with no TLS, no authentication and no authorization. On the API server (8080 by default before 1.20) any process that reaches it is cluster-admin; on the controller manager (10252, before 1.22) and scheduler (10251, before 1.23) it exposes metrics, configuration and profiling to anyone. The flags were removed in 1.24, so on a newer cluster their presence means the manifest is not what runs or the version is misdetected.',
  remediation:
    'Before 1.20 set --insecure-port=0 on kube-apiserver; before 1.22/1.23 set --port=0 on kube-controller-manager/kube-scheduler (kubeadm: the manifests in /etc/kubernetes/manifests). From 1.24 remove the flags. Upgrade: these versions are out of support.',
  references: [DOCS.nodeCommunication, DOCS.apiserver, 'https://kubernetes.io/docs/concepts/security/controlling-access/'],
  reads: 'kube-apiserver --insecure-port (default 8080 before 1.20), kube-controller-manager --port (10252 before 1.22), kube-scheduler --port (10251 before 1.23); cluster version',
  run(cp, report) {
    for (const row of INSECURE) {
      for (const c of componentsOf(cp, row.kind)) {
        const e = flag(cp, c, row.flag);
        const v = versionOf(cp, c);
        const version = v ? `${formatVersion(v)} (from ${v.from})` : 'unknown';
        const base = { component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e) };
        const open = e.value !== undefined && e.value !== '' && Number(e.value) !== 0;
        if (atLeast(v, row.flagRemoved)) {
          if (e.explicit) {
            report({
              ...base,
              severity: open ? 'high' : 'low',
              detail: `--${row.flag} was removed in ${row.flagRemoved}, but this ${row.kind} is ${version}: it would refuse to start, so either the version is misdetected (then port ${e.value} may be serving) or this is not what runs`,
            });
          }
        } else if (atLeast(v, row.servingRemoved)) {
          if (open) report({ ...base, severity: row.kind === 'kube-apiserver' ? 'medium' : 'low', detail: `--${row.flag}=${e.value} on ${version}: ${row.inBetween}` });
        } else if (open) {
          report({ ...base, severity: row.severity, detail: defaultDetail(c, e) ?? `insecure port ${e.value} is open (version ${version})` });
        }
      }
    }
  },
});
