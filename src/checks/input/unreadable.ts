import { defineCheck } from '../registry.js';

/** Every input the sources could not read, so a scan never passes silently over a broken file. */
export default defineCheck({
  id: 'input/unreadable',
  practice: 'tls',
  severity: 'info',
  cis: [],
  title: 'Input could not be read',
  why: 'A file or object that could not be read was not judged: checks that depend on it could not run, so its absence of findings proves nothing.',
  remediation: 'Fix the file (syntax, permissions) or run kubeward with access to it, then scan again.',
  reads: 'every problem the sources recorded',
  run(cp, report) {
    for (const p of cp.problems) {
      report({
        component: p.component ?? 'input',
        host: p.host,
        practice: p.practice ?? 'tls',
        detail: p.message,
        evidence: { source: p.object ? 'api' : 'file', file: p.file ?? null, line: p.line ?? null, flag: null, value: null, field: null, object: p.object ?? null, probe: null },
      });
    }
  },
});
