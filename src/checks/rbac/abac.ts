import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';
import { authorizerChain } from './authorizers.js';

export default defineCheck({
  id: 'rbac/abac',
  practice: 'rbac',
  severity: 'high',
  cis: [],
  title: 'API server uses ABAC authorization',
  why: 'ABAC policies are a static JSON-lines file: no API to review them, a restart for every change, and grants that RBAC tools and audits do not see. The practice is RBAC with ABAC disabled; neither kube-bench nor Kubescape checks for ABAC.',
  remediation: 'Translate the ABAC policy into Roles and RoleBindings, then remove ABAC from --authorization-mode (or the ABAC authorizer from --authorization-config) and drop --authorization-policy-file.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/abac/'],
  reads: 'kube-apiserver --authorization-mode, --authorization-config authorizers[].type, --authorization-policy-file',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const chain = authorizerChain(cp, host, c);
      const abac = chain.source === 'unreadable' ? undefined : chain.authorizers.find((a) => a.type === 'ABAC');
      if (abac) {
        report({ component: c, host, evidence: abac.evidence, detail: `ABAC is in the authorizer chain (${chain.source === 'config' ? 'authorization config' : '--authorization-mode'})` });
        continue;
      }
      const policy = flag(cp, c, 'authorization-policy-file');
      if (policy.value) report({ component: c, host, evidence: evidenceFor(c, policy), detail: `--authorization-policy-file=${policy.value} is set; without an ABAC authorizer the API server refuses to start, with one it grants from that file` });
    }
  },
});
