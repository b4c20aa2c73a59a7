import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { auditPolicyOf, decisions, rank, ruleEvidence, SENSITIVE } from './audit-policy.js';

export default defineCheck({
  id: 'rbac/audit-policy-leak',
  practice: 'rbac',
  severity: 'high',
  cis: ['3.2.2'],
  title: 'Audit policy writes Secret or token payloads into the audit log',
  why: 'At Request or RequestResponse level the audit event carries the request and response bodies: for Secrets, ConfigMaps, ServiceAccount tokens and TokenReviews that is the secret data and the bearer tokens themselves, copied into every audit log and log pipeline. Rules apply first-match: a broad RequestResponse rule placed before the Metadata rule for secrets is what decides, which tools that only look for a "secrets at Metadata" rule miss.',
  remediation: 'Put a rule `level: Metadata` for secrets, configmaps, serviceaccounts/token (core) and tokenreviews (authentication.k8s.io) before any rule at Request or RequestResponse that would match them.',
  references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy'],
  reads: 'the --audit-policy-file Policy: rules in order (first match), levels, resources with wildcards, users/groups/verbs',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const policy = auditPolicyOf(cp, host, c);
      if (!policy) continue;
      for (const rc of SENSITIVE) {
        for (const d of decisions(policy, rc)) {
          if (rank(d.level) <= rank('Metadata')) continue;
          report({ component: c, host, evidence: ruleEvidence(policy, d), detail: `${rc.label}: rule ${d.rule ?? '?'} is the first to match${d.partial ? ' (for some requests)' : ''} and logs them at ${d.level}` });
        }
      }
    }
  },
});
