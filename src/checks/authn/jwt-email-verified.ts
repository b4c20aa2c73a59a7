import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { expressionsOf, jwtAuthenticators } from './jwt-authenticators.js';

export default defineCheck({
  id: 'authn/jwt-email-verified',
  practice: 'authn',
  severity: 'medium',
  cis: [],
  title: 'OIDC username is an email address that need not be verified',
  why: 'With the email claim as username, the API server only rejects a token whose email_verified claim is present and false (oidc.go); a token without that claim is accepted. At identity providers that let users set an unverified email, anyone can sign up with an administrator\'s address and be bound to that User\'s RBAC grants.',
  remediation: 'Require verification explicitly: a claimValidationRule `claims.?email_verified.orValue(false) == true` (structured config), or map the username from an immutable claim such as `sub` with a prefix.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration'],
  reads: 'kube-apiserver --oidc-username-claim, --authentication-config jwt[].claimMappings.username and claimValidationRules',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      for (const a of jwtAuthenticators(cp, host, c)) {
        if (a.username.claim !== 'email') continue;
        const verified = expressionsOf(a).some((e) => e.includes('email_verified')) || a.claimValidationRules.some((r) => r.claim === 'email_verified' && r.requiredValue === 'true');
        if (!verified) report({ component: c, host, evidence: a.at('claimMappings.username.claim'), detail: `${a.issuerUrl ?? `jwt[${a.index ?? 0}]`}: username from "email" without a rule requiring email_verified` });
      }
    }
  },
});
