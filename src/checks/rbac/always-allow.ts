import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { authorizerChain, describeChain } from './authorizers.js';

export default defineCheck({
  id: 'rbac/always-allow',
  practice: 'rbac',
  severity: 'critical',
  cis: ['1.2.6'],
  title: 'API server authorizes every request (AlwaysAllow)',
  why: 'With AlwaysAllow in the authorizer chain every authenticated (and, with anonymous auth, unauthenticated) request that no earlier authorizer denies is allowed; RBAC never denies, so RBAC rules stop meaning anything. AlwaysAllow is also the default when neither --authorization-mode nor --authorization-config is set, which kube-bench handles but Kubescape passes.',
  remediation: 'Set --authorization-mode=Node,RBAC (or list Node and RBAC authorizers in --authorization-config) and remove AlwaysAllow.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authorization/'],
  reads: 'kube-apiserver --authorization-mode (default AlwaysAllow), --authorization-config authorizers[].type',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const chain = authorizerChain(cp, host, c);
      if (chain.source === 'unreadable') continue;
      const allow = chain.authorizers.find((a) => a.type === 'AlwaysAllow');
      if (allow) report({ component: c, host, evidence: allow.evidence, detail: describeChain(chain) });
    }
  },
});
