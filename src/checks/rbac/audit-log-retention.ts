import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';

/** CIS 1.2.17–1.2.19 minimums; the flags are days, files and MB. */
const MINIMUMS = [
  { flag: 'audit-log-maxage', cis: '1.2.17', min: 30, unit: 'days' },
  { flag: 'audit-log-maxbackup', cis: '1.2.18', min: 10, unit: 'files' },
  { flag: 'audit-log-maxsize', cis: '1.2.19', min: 100, unit: 'MB' },
] as const;

export default defineCheck({
  id: 'rbac/audit-log-retention',
  practice: 'rbac',
  severity: 'medium',
  cis: MINIMUMS.map((m) => m.cis),
  title: 'Audit log rotation keeps too little history',
  why: 'The audit log is evidence: rotated away after a few days or a handful of files, it is gone before an incident is noticed. The value 0 means "no limit" to the log writer (lumberjack): it keeps everything, but the disk fills unattended, so CIS asks for explicit values.',
  remediation: 'Set --audit-log-maxage=30 (or more), --audit-log-maxbackup=10 and --audit-log-maxsize=100, and ship the log off the host (webhook backend or a log agent).',
  references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#log-backend'],
  reads: 'kube-apiserver --audit-log-path, --audit-log-maxage, --audit-log-maxbackup, --audit-log-maxsize',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const path = flag(cp, c, 'audit-log-path');
      // "-" is stdout: the container runtime's log rotation applies, not these flags.
      if (!path.value || path.value === '-') continue;
      for (const m of MINIMUMS) {
        const e = flag(cp, c, m.flag);
        const n = Number(e.value ?? '0');
        // maxsize 0 means the writer's own 100 MB default, which meets the minimum.
        if (m.flag === 'audit-log-maxsize' && n === 0) continue;
        if (n === 0) {
          report({ component: c, host, severity: 'low', evidence: evidenceFor(c, e), detail: `--${m.flag} is ${e.explicit ? '0' : 'unset (0)'}: unlimited, so history is kept but the log grows without bound; CIS ${m.cis} asks for ≥ ${m.min} ${m.unit}` });
        } else if (!Number.isFinite(n) || n < m.min) {
          report({ component: c, host, evidence: evidenceFor(c, e), detail: `--${m.flag}=${e.value} is below the CIS ${m.cis} minimum of ${m.min} ${m.unit}` });
        }
      }
    }
  },
});
