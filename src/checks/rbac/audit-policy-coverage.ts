import { defineCheck } from '../registry.js';
import { str } from '../../model/document.js';
import { componentsOf, documentLine, evidenceForFile, hostOf, versionOf } from '../../model/effective.js';
import { atLeast } from '../../model/version.js';
import { auditPolicyOf, decisions, INTERACTIVE, isCatchAll, rank, ruleEvidence, SENSITIVE, WRITE_VERBS, WRITES, type RequestClass } from './audit-policy.js';

export default defineCheck({
  id: 'rbac/audit-policy-coverage',
  practice: 'rbac',
  severity: 'medium',
  cis: ['3.2.2'],
  title: 'Audit policy leaves security-relevant requests unlogged',
  why: 'A request that no rule matches, or whose first matching rule says None, leaves no trace: exec into a pod, a port-forward, a new ClusterRoleBinding or a read of every Secret then happen invisibly. Rules are evaluated in order, so a broad None rule early in the policy silences everything after it.',
  remediation: 'Log Secrets, ConfigMaps and tokens at Metadata; pods/exec, attach, portforward and the proxy subresources, and writes to pods, deployments, RBAC objects, admission webhooks and CSR approvals at Metadata or above; end the policy with a catch-all rule (no selectors) at Metadata. `kubeward audit policy` writes such a policy.',
  references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy', 'cluster/gce/gci/configure-helper.sh (create-master-audit-policy)'],
  reads: 'the --audit-policy-file Policy: apiVersion, rules in order (first match), catch-all rule',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const policy = auditPolicyOf(cp, host, c);
      if (!policy) continue;
      const { file, document, rules } = policy;
      const apiVersion = str(document.apiVersion) ?? '';
      if (/^audit\.k8s\.io\/v1(alpha1|beta1)$/.test(apiVersion) && atLeast(versionOf(cp, c), '1.24')) {
        report({ component: c, host, severity: 'high', evidence: evidenceForFile(file, { line: documentLine(file, 'apiVersion') ?? null, field: 'apiVersion', value: apiVersion }), detail: `${apiVersion} was removed in Kubernetes 1.24: the API server will not load this policy` });
      }
      if (rules.length === 0) {
        report({ component: c, host, severity: 'high', evidence: evidenceForFile(file, { field: 'rules', value: null }), detail: 'the policy has no rules: the API server rejects it (at least one rule is required)' });
        continue;
      }
      const unlogged = (rc: RequestClass, verbs?: readonly string[], what = rc.label) => {
        const last = decisions(policy, rc, verbs).at(-1);
        if (last && rank(last.level) === rank('None')) {
          report({ component: c, host, evidence: ruleEvidence(policy, last), detail: last.rule === undefined ? `${what}: no rule matches, so these requests are not logged` : `${what}: rule ${last.rule} is the first to match and says None` });
        }
      };
      for (const rc of [...SENSITIVE, ...INTERACTIVE]) unlogged(rc);
      for (const rc of WRITES) unlogged(rc, WRITE_VERBS, `writes to ${rc.label}`);
      const catchAll = rules.findIndex(isCatchAll);
      if (catchAll < 0) {
        report({ component: c, host, severity: 'low', evidence: evidenceForFile(file, { line: documentLine(file, 'rules') ?? null, field: 'rules', value: null }), detail: 'no catch-all rule (a rule without selectors) at the end: requests to anything not listed, such as new or aggregated APIs, are not logged' });
      } else if (catchAll < rules.length - 1) {
        report({ component: c, host, severity: 'low', evidence: ruleEvidence(policy, { level: 'None', rule: catchAll, partial: false }), detail: `rule ${catchAll} matches every request, so the ${rules.length - 1 - catchAll} rule(s) after it never apply` });
      }
    }
  },
});
