import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, versionOf } from '../../model/effective.js';
import { atLeast } from '../../model/version.js';

export default defineCheck({
  id: 'authn/oidc-legacy-flags',
  practice: 'authn',
  severity: 'low',
  cis: [],
  title: 'OIDC is configured with the legacy --oidc-* flags',
  why: 'The flags allow one issuer and one audience, cannot validate claims with CEL (token lifetime, email_verified, tenant), cannot reject reserved usernames with userValidationRules, and need an API server restart for every change. Structured authentication configuration (beta and on by default from 1.30, GA in 1.34) does all of that and is reloaded live.',
  remediation: 'Move the settings to an AuthenticationConfiguration file (`kubeward oidc setup` writes one) passed with --authentication-config, and remove the --oidc-* flags.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration'],
  reads: 'kube-apiserver --oidc-issuer-url and the cluster version',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const issuer = flag(cp, c, 'oidc-issuer-url');
      if (issuer.value && atLeast(versionOf(cp, c), '1.30') !== false) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, issuer), detail: `--oidc-issuer-url=${issuer.value}` });
    }
  },
});
