import { defineCheck, type Report } from '../registry.js';
import { rec, str } from '../../model/document.js';
import { componentsOf, documentLine, evidenceFor, evidenceForFile, featureGate, flag, flagList, hostOf, isTrue, versionOf } from '../../model/effective.js';
import { compareVersion } from '../../model/version.js';
import { discoveryUrlProblems, urlProblems } from '../../oidc/issuer-url.js';
import { authenticationConfigOf, expressionsOf, jwtAuthenticators, type JwtAuthenticator } from './jwt-authenticators.js';

/** oidc.go: the algorithms the authenticator accepts (never none or HMAC). */
const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];

/** apiVersion of AuthenticationConfiguration by the first Kubernetes minor that serves it (checks.md §C.1.5). */
const API_VERSIONS: Record<string, string> = { 'apiserver.config.k8s.io/v1alpha1': '1.29', 'apiserver.config.k8s.io/v1beta1': '1.30', 'apiserver.config.k8s.io/v1': '1.34' };

/** validation.go rules for one authenticator; each problem names the structured field it is about. */
function problems(a: JwtAuthenticator, serviceAccountIssuers: string[]): { field: string; detail: string }[] {
  const out: { field: string; detail: string }[] = [];
  if (!a.issuerUrl) out.push({ field: 'issuer.url', detail: 'issuer URL is required' });
  else for (const p of urlProblems(a.issuerUrl)) out.push({ field: 'issuer.url', detail: `issuer ${p}` });
  if (a.issuerUrl && serviceAccountIssuers.includes(a.issuerUrl)) out.push({ field: 'issuer.url', detail: `issuer ${a.issuerUrl} is also a --service-account-issuer: service-account tokens would be judged by OIDC rules` });
  if (a.discoveryUrl) for (const p of discoveryUrlProblems(a.issuerUrl, a.discoveryUrl)) out.push({ field: 'issuer.discoveryURL', detail: p });
  if (a.audiences.length === 0) out.push({ field: 'issuer.audiences', detail: a.source === 'flags' ? '--oidc-issuer-url without --oidc-client-id' : 'no audiences' });
  if (new Set(a.audiences).size !== a.audiences.length) out.push({ field: 'issuer.audiences', detail: 'duplicate audiences' });
  if (a.source === 'config' && a.audiences.length > 1 && a.audienceMatchPolicy !== 'MatchAny') out.push({ field: 'issuer.audienceMatchPolicy', detail: 'several audiences need audienceMatchPolicy: MatchAny' });
  const u = a.username;
  if (!!u.claim === !!u.expression) out.push({ field: 'claimMappings.username', detail: 'username needs exactly one of claim or expression' });
  // validatePrefixClaimOrExpression: username and groups both need an explicit prefix with a claim.
  for (const [name, m] of [['username', u], ['groups', a.groups]] as const) {
    if (a.source === 'config' && m?.claim && m.prefix === undefined) out.push({ field: `claimMappings.${name}.prefix`, detail: `${name}.prefix is required with ${name}.claim (use "" for none)` });
  }
  for (const [name, m] of [['username', u], ['groups', a.groups], ['uid', a.uid]] as const) {
    if (m?.expression && m.prefix !== undefined) out.push({ field: `claimMappings.${name}.prefix`, detail: `${name}.prefix is not allowed with an expression` });
    if (m?.claim && m.expression) out.push({ field: `claimMappings.${name}`, detail: `${name} sets both claim and expression` });
  }
  const expressions = expressionsOf(a);
  if (u.expression?.includes('claims.email') && !expressions.some((e) => e.includes('claims.email_verified') || e.includes('claims.?email_verified'))) {
    out.push({ field: 'claimMappings.username.expression', detail: 'a username expression reading claims.email must also check claims.email_verified' });
  }
  a.extra.forEach((e, i) => {
    const key = e.key ?? '';
    if (!/^[a-z0-9.-]+\/[a-z0-9._/-]+$/.test(key)) out.push({ field: `claimMappings.extra.${i}.key`, detail: `extra key "${key}" must be lowercase and domain-prefixed` });
    else if (/(^|\.)(kubernetes\.io|k8s\.io)\//.test(key)) out.push({ field: `claimMappings.extra.${i}.key`, detail: `extra key "${key}" uses a reserved kubernetes.io / k8s.io domain` });
  });
  a.claimValidationRules.forEach((r, i) => {
    if (a.source === 'flags' && r.requiredValue === undefined) out.push({ field: 'claimValidationRules', detail: `--oidc-required-claim ${r.claim ?? ''} is not key=value` });
    else if (!!r.claim === !!r.expression) out.push({ field: `claimValidationRules.${i}`, detail: 'a claim validation rule needs exactly one of claim or expression' });
  });
  for (const alg of a.signingAlgs ?? []) if (!SIGNING_ALGS.includes(alg)) out.push({ field: 'signingAlgs', detail: `--oidc-signing-algs ${alg} is not supported (allowed: ${SIGNING_ALGS.join(', ')})` });
  return out;
}

export default defineCheck({
  id: 'authn/jwt-config-invalid',
  practice: 'authn',
  severity: 'medium',
  cis: [],
  title: 'OIDC / structured authentication configuration will be rejected',
  why: 'The API server validates JWT authenticators at start-up and on reload: a configuration that breaks a rule keeps it from starting (flags) or leaves the previous configuration in force (reload), so single sign-on silently does not work or an old, weaker configuration stays active. Some rules are security rules: https issuers, no overlap with service-account issuers, email_verified checked when the username is an email.',
  remediation: 'Fix the field named in the finding; validate with `kubeward scan` before rolling the file out to every API server.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration', 'staging/src/k8s.io/apiserver/pkg/apis/apiserver/validation/validation.go'],
  reads: 'kube-apiserver --oidc-* flags, --authentication-config (AuthenticationConfiguration), --service-account-issuer, --anonymous-auth',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const emit = (r: Omit<Report, 'component' | 'host'>) => report({ component: c, host, ...r });
      const cfg = authenticationConfigOf(cp, host, c);
      const v = versionOf(cp, c);
      if (cfg) {
        const apiVersion = str(cfg.document.apiVersion) ?? '';
        const since = API_VERSIONS[apiVersion];
        const at = evidenceForFile(cfg.file, { line: documentLine(cfg.file, 'apiVersion') ?? null, field: 'apiVersion', value: apiVersion });
        if (v && compareVersion(v, '1.29') < 0) emit({ evidence: evidenceFor(c, cfg.setting), detail: `--authentication-config does not exist before Kubernetes 1.29 (this is ${v.major}.${v.minor})` });
        else if (!since) emit({ evidence: at, detail: `unknown apiVersion "${apiVersion}"` });
        else if (v && compareVersion(v, since) < 0) emit({ evidence: at, detail: `${apiVersion} is served from Kubernetes ${since} (this is ${v.major}.${v.minor})` });
        const oidcFlags = Object.keys(c.flags).filter((f) => f.startsWith('oidc-'));
        if (cfg.document.jwt !== undefined) for (const f of oidcFlags) emit({ evidence: evidenceFor(c, flag(cp, c, f)), detail: `--${f} cannot be combined with jwt authenticators in --authentication-config` });
        const anonymousFlag = flag(cp, c, 'anonymous-auth');
        if (rec(cfg.document.anonymous) && anonymousFlag.explicit) emit({ evidence: evidenceFor(c, anonymousFlag), detail: '--anonymous-auth cannot be combined with an anonymous section in --authentication-config' });
        // AnonymousAuthConfigurableEndpoints: alpha 1.31, beta and on by default from 1.32.
        if (rec(cfg.document.anonymous) && v && compareVersion(v, '1.32') < 0 && !isTrue(featureGate(cp, c, 'AnonymousAuthConfigurableEndpoints'))) {
          emit({ evidence: evidenceForFile(cfg.file, { line: documentLine(cfg.file, 'anonymous') ?? null, field: 'anonymous', value: null }), detail: `the anonymous section needs the AnonymousAuthConfigurableEndpoints feature gate before 1.32 (this is ${v.major}.${v.minor})` });
        }
      }
      const saIssuers = flagList(flag(cp, c, 'service-account-issuer'), c);
      const authenticators = jwtAuthenticators(cp, host, c);
      if (authenticators.length > 64) emit({ evidence: evidenceFor(c, flag(cp, c, 'authentication-config')), detail: `${authenticators.length} JWT authenticators; at most 64 are allowed` });
      const seen = new Map<string, number>();
      const seenDiscovery = new Map<string, number>();
      for (const a of authenticators) {
        for (const p of problems(a, saIssuers)) emit({ evidence: a.at(p.field), detail: p.detail });
        if (a.issuerUrl && seen.has(a.issuerUrl)) emit({ evidence: a.at('issuer.url'), detail: `issuer ${a.issuerUrl} is already used by jwt[${seen.get(a.issuerUrl)}]; issuer URLs must be unique` });
        if (a.issuerUrl) seen.set(a.issuerUrl, a.index ?? 0);
        // validation.go: discoveryURL "required to be unique across all JWT authenticators"
        if (a.discoveryUrl && seenDiscovery.has(a.discoveryUrl)) emit({ evidence: a.at('issuer.discoveryURL'), detail: `discoveryURL ${a.discoveryUrl} is already used by jwt[${seenDiscovery.get(a.discoveryUrl)}]; discovery URLs must be unique` });
        if (a.discoveryUrl) seenDiscovery.set(a.discoveryUrl, a.index ?? 0);
      }
    }
  },
});
