import { defineCheck } from '../registry.js';
import { arr, strs } from '../../model/document.js';
import { componentsOf, documentLine, evidenceForFile, hostOf } from '../../model/effective.js';
import { auditPolicyOf } from './audit-policy.js';

export default defineCheck({
  id: 'rbac/audit-policy-stages',
  practice: 'rbac',
  severity: 'low',
  cis: ['3.2.2'],
  title: 'Audit policy records the RequestReceived stage',
  why: 'RequestReceived is emitted before the request is handled and repeats what ResponseComplete says with its outcome; logging it roughly doubles the volume of the audit log, which shortens retention and hides the events that matter (the upstream production policy omits it in every rule).',
  remediation: 'Add `omitStages: ["RequestReceived"]` at the top level of the policy (it applies to every rule).',
  references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy'],
  reads: 'the --audit-policy-file Policy: omitStages (policy and rules)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const policy = auditPolicyOf(cp, host, c);
      if (!policy || strs(policy.document.omitStages).includes('RequestReceived')) continue;
      // checker.go NewChecker: policy-level omitStages are unioned into every rule's.
      const logging = policy.rules.map((r, i) => ({ r, i })).filter(({ r }) => r.level !== 'None' && !strs(r.omitStages).includes('RequestReceived'));
      const first = logging[0];
      if (!first) continue;
      const path = arr(policy.document.omitStages).length ? 'omitStages' : `rules.${first.i}`;
      report({ component: c, host, evidence: evidenceForFile(policy.file, { line: documentLine(policy.file, path) ?? null, field: path, value: null }), detail: `${logging.length} rule(s) that log requests keep the RequestReceived stage` });
    }
  },
});
