import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { authorizerChain, chainEvidence, describeChain } from './authorizers.js';

export default defineCheck({
  id: 'rbac/rbac-authorizer',
  practice: 'rbac',
  severity: 'high',
  cis: ['1.2.8'],
  title: 'API server does not use the RBAC authorizer',
  why: 'Without RBAC, Roles and RoleBindings are ignored: access is decided by whatever else is in the chain (AlwaysAllow by default, ABAC, a webhook), so least privilege cannot be expressed or reviewed through the API.',
  remediation: 'Add RBAC to --authorization-mode (e.g. --authorization-mode=Node,RBAC) or a `type: RBAC` authorizer to --authorization-config.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/'],
  reads: 'kube-apiserver --authorization-mode or --authorization-config',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const chain = authorizerChain(cp, host, c);
      if (chain.source === 'unreadable') continue;
      if (!chain.authorizers.some((a) => a.type === 'RBAC')) report({ component: c, host, evidence: chainEvidence(c, chain), detail: describeChain(chain) });
    }
  },
});
