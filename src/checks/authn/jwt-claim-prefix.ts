import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { guardsSystemPrefix, jwtAuthenticators } from './jwt-authenticators.js';

export default defineCheck({
  id: 'authn/jwt-claim-prefix',
  practice: 'authn',
  severity: 'critical',
  cis: [],
  title: 'OIDC identities can take reserved system: names',
  why: 'Without a prefix, whatever the identity provider puts in the groups claim becomes a Kubernetes group: a group named system:masters gives cluster-admin through the privileged-group check that RBAC cannot restrict, and a username such as system:kube-controller-manager inherits that component\'s rights. Anyone who can edit groups or profile attributes at the IdP then owns the cluster.',
  remediation: 'Set a prefix (e.g. `oidc:`) on the username and groups mappings (--oidc-username-prefix / --oidc-groups-prefix, or claimMappings.*.prefix), or add userValidationRules that reject `system:` usernames and groups.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration'],
  reads: 'kube-apiserver --oidc-username-prefix, --oidc-groups-claim/--oidc-groups-prefix, --authentication-config jwt[].claimMappings and userValidationRules',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      for (const a of jwtAuthenticators(cp, host, c)) {
        if (guardsSystemPrefix(a)) continue;
        const who = a.issuerUrl ?? `jwt[${a.index ?? 0}]`;
        const g = a.groups;
        // An absent prefix in the structured config is a validation error (authn/jwt-config-invalid), not a mapping.
        if (g && (g.expression || g.prefix === '')) {
          report({ component: c, host, evidence: a.at(g.expression ? 'claimMappings.groups.expression' : 'claimMappings.groups.prefix'), detail: `${who}: groups ${g.expression ? `from expression ${g.expression}` : `from claim "${g.claim}"`} are used without a prefix, so the IdP can assert system:masters` });
        }
        const u = a.username;
        if (u.expression || u.prefix === '') {
          report({ component: c, host, severity: 'high', evidence: a.at(u.expression ? 'claimMappings.username.expression' : 'claimMappings.username.prefix'), detail: `${who}: usernames ${u.expression ? `from expression ${u.expression}` : `from claim "${u.claim}"`} are used without a prefix, so the IdP can assert system:* users` });
        }
      }
    }
  },
});
