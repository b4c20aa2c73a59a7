import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';

export default defineCheck({
  id: 'rbac/audit-enabled',
  practice: 'rbac',
  severity: 'high',
  cis: ['1.2.16', '3.2.1'],
  title: 'API server writes no audit events',
  why: 'Without --audit-policy-file the API server generates no audit events at all, whatever backend is configured; without a log path or a webhook backend the events it generates go nowhere. Either way nobody can tell afterwards who read a Secret or changed a RoleBinding. kube-bench fails webhook-only setups; a webhook backend counts here.',
  remediation: 'Set --audit-policy-file to a policy (e.g. from `kubeward audit policy`) and a backend: --audit-log-path (with rotation flags) and/or --audit-webhook-config-file shipping events off the host.',
  references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/'],
  reads: 'kube-apiserver --audit-policy-file, --audit-log-path, --audit-webhook-config-file',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const policy = flag(cp, c, 'audit-policy-file');
      const logPath = flag(cp, c, 'audit-log-path');
      const webhook = flag(cp, c, 'audit-webhook-config-file');
      if (!policy.value) {
        report({ component: c, host, evidence: evidenceFor(c, policy), detail: 'no --audit-policy-file: the API server generates no audit events' + (logPath.value || webhook.value ? ' (the configured backend stays empty)' : '') });
      } else if (!logPath.value && !webhook.value) {
        report({ component: c, host, evidence: evidenceFor(c, logPath), detail: 'an audit policy is set but neither --audit-log-path nor --audit-webhook-config-file: events are generated and dropped' });
      }
    }
  },
});
