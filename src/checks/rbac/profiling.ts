import { defineCheck } from '../registry.js';
import { evidenceFor, flag, hostOf, isFalse } from '../../model/effective.js';

const COMPONENTS = [
  { kind: 'kube-apiserver', cis: '1.2.15' },
  { kind: 'kube-controller-manager', cis: '1.3.2' },
  { kind: 'kube-scheduler', cis: '1.4.1' },
] as const;

export default defineCheck({
  id: 'rbac/profiling',
  practice: 'rbac',
  severity: 'low',
  cis: COMPONENTS.map((x) => x.cis),
  title: 'Profiling endpoints are enabled',
  why: 'With --profiling (the default) /debug/pprof exposes heap and goroutine dumps and CPU profiles to anyone RBAC lets read that path; the dumps can contain request data and the profiler can be used to load the component. Nobody needs it in production.',
  remediation: 'Set --profiling=false on kube-apiserver, kube-controller-manager and kube-scheduler.',
  references: ['https://github.com/kubernetes/community/blob/master/contributors/devel/sig-scalability/profiling.md'],
  reads: 'kube-apiserver, kube-controller-manager, kube-scheduler --profiling (default true)',
  run(cp, report) {
    for (const host of cp.hosts) {
      for (const c of host.components) {
        const row = COMPONENTS.find((x) => x.kind === c.kind);
        if (!row) continue;
        const e = flag(cp, c, 'profiling');
        if (!isFalse(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: `${c.kind} --profiling is ${e.explicit ? e.value : 'unset (default true)'} (CIS ${row.cis})` });
      }
    }
  },
});
