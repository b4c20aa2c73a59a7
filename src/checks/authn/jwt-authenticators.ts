/**
 * The API server's JWT (OIDC) authenticators from either source, in one shape. Upstream converts the
 * legacy --oidc-* flags into one JWTAuthenticator and validates both the same way
 * (pkg/kubeapiserver/options/authentication.go; staging/src/k8s.io/apiserver/pkg/apis/apiserver/
 * validation/validation.go), so the checks judge this shape, citing a flag or a document line.
 */
import type { Component, ControlPlane, Host, NodeFile } from '../../model/control-plane.js';
import { arr, rec, str, strs, type DocRecord } from '../../model/document.js';
import { documentLine, evidenceFor, evidenceForFile, fileFor, flag, flagList, type Effective } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

export interface ClaimMapping {
  claim?: string;
  /** undefined: not given (the config requires it with a claim; the flags default it) */
  prefix?: string;
  expression?: string;
}

export interface JwtAuthenticator {
  source: 'flags' | 'config';
  /** position in jwt[] of the AuthenticationConfiguration */
  index?: number;
  issuerUrl?: string;
  discoveryUrl?: string;
  audiences: string[];
  audienceMatchPolicy?: string;
  username: ClaimMapping;
  groups?: ClaimMapping;
  uid?: ClaimMapping;
  extra: { key?: string; valueExpression?: string }[];
  claimValidationRules: { claim?: string; requiredValue?: string; expression?: string }[];
  userValidationRules: string[];
  /** a CA is pinned for the issuer (--oidc-ca-file, issuer.certificateAuthority); otherwise system roots */
  pinnedCa: boolean;
  /** --oidc-signing-algs (no structured equivalent) */
  signingAlgs?: string[];
  /** evidence for a field, named by its structured path ("issuer.url", "claimMappings.username.prefix") */
  at: (field: string) => Evidence;
}

export interface AuthenticationConfig {
  file: NodeFile;
  document: DocRecord;
  setting: Effective;
}

/** The --authentication-config document, when set and readable. */
export function authenticationConfigOf(cp: ControlPlane, host: Host, c: Component): AuthenticationConfig | undefined {
  const setting = flag(cp, c, 'authentication-config');
  if (!setting.value) return undefined;
  const file = fileFor(host, c, setting);
  const document = rec(file?.document);
  if (!file || !file.exists || file.error || !document) return undefined;
  return { file, document, setting };
}

function mapping(v: unknown): ClaimMapping | undefined {
  const m = rec(v);
  if (!m) return undefined;
  const out: ClaimMapping = {};
  const claim = str(m.claim);
  const prefix = str(m.prefix);
  const expression = str(m.expression);
  if (claim !== undefined && claim !== '') out.claim = claim;
  if (prefix !== undefined) out.prefix = prefix;
  if (expression !== undefined && expression !== '') out.expression = expression;
  return out;
}

function fromConfig(cfg: AuthenticationConfig): JwtAuthenticator[] {
  return arr(cfg.document.jwt).map((raw, index) => {
    const j = rec(raw) ?? {};
    const issuer = rec(j.issuer) ?? {};
    const maps = rec(j.claimMappings) ?? {};
    const a: JwtAuthenticator = {
      source: 'config',
      index,
      audiences: strs(issuer.audiences),
      pinnedCa: !!str(issuer.certificateAuthority),
      username: mapping(maps.username) ?? {},
      extra: arr(maps.extra).map((e) => ({ key: str(rec(e)?.key), valueExpression: str(rec(e)?.valueExpression) })),
      claimValidationRules: arr(j.claimValidationRules).map((r) => ({ claim: str(rec(r)?.claim), requiredValue: str(rec(r)?.requiredValue), expression: str(rec(r)?.expression) })),
      userValidationRules: arr(j.userValidationRules).map((r) => str(rec(r)?.expression) ?? '').filter((x) => x),
      at: (field) => {
        const path = `jwt.${index}.${field}`;
        return evidenceForFile(cfg.file, { line: documentLine(cfg.file, path) ?? null, field: path, value: null });
      },
    };
    const url = str(issuer.url);
    if (url !== undefined) a.issuerUrl = url;
    const discovery = str(issuer.discoveryURL);
    if (discovery) a.discoveryUrl = discovery;
    const policy = str(issuer.audienceMatchPolicy);
    if (policy) a.audienceMatchPolicy = policy;
    const groups = mapping(maps.groups);
    if (groups && (groups.claim || groups.expression)) a.groups = groups;
    const uid = mapping(maps.uid);
    if (uid) a.uid = uid;
    return a;
  });
}

/** Which legacy flag carries a structured field, for evidence. */
const FLAG_OF: Record<string, string> = {
  'issuer.url': 'oidc-issuer-url',
  'issuer.audiences': 'oidc-client-id',
  'issuer.certificateAuthority': 'oidc-ca-file',
  'claimMappings.username.claim': 'oidc-username-claim',
  'claimMappings.username.prefix': 'oidc-username-prefix',
  'claimMappings.groups.claim': 'oidc-groups-claim',
  'claimMappings.groups.prefix': 'oidc-groups-prefix',
  claimValidationRules: 'oidc-required-claim',
  signingAlgs: 'oidc-signing-algs',
};

function fromFlags(cp: ControlPlane, c: Component): JwtAuthenticator | undefined {
  const issuer = flag(cp, c, 'oidc-issuer-url');
  if (!issuer.value) return undefined;
  const clientId = flag(cp, c, 'oidc-client-id');
  const usernameClaim = flag(cp, c, 'oidc-username-claim').value ?? 'sub';
  const usernamePrefix = flag(cp, c, 'oidc-username-prefix');
  const groupsClaim = flag(cp, c, 'oidc-groups-claim');
  const groupsPrefix = flag(cp, c, 'oidc-groups-prefix');
  // authentication.go: an unset prefix becomes "<issuer>#" unless the claim is email; "-" means none.
  const prefix = usernamePrefix.value === undefined ? (usernameClaim === 'email' ? '' : `${issuer.value}#`) : usernamePrefix.value === '-' ? '' : usernamePrefix.value;
  const a: JwtAuthenticator = {
    source: 'flags',
    issuerUrl: issuer.value,
    audiences: clientId.value ? [clientId.value] : [],
    pinnedCa: !!flag(cp, c, 'oidc-ca-file').value,
    username: { claim: usernameClaim, prefix },
    extra: [],
    claimValidationRules: flagList(flag(cp, c, 'oidc-required-claim'), c).map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? { claim: kv } : { claim: kv.slice(0, eq), requiredValue: kv.slice(eq + 1) };
    }),
    userValidationRules: [],
    signingAlgs: flagList(flag(cp, c, 'oidc-signing-algs'), c),
    at: (field) => evidenceFor(c, flag(cp, c, FLAG_OF[field] ?? 'oidc-issuer-url')),
  };
  if (groupsClaim.value) a.groups = { claim: groupsClaim.value, prefix: groupsPrefix.value ?? '' };
  return a;
}

/** Every JWT authenticator of an API server: the structured config's jwt[] or the one the flags define. */
export function jwtAuthenticators(cp: ControlPlane, host: Host, c: Component): JwtAuthenticator[] {
  const cfg = authenticationConfigOf(cp, host, c);
  if (cfg) return fromConfig(cfg);
  const legacy = fromFlags(cp, c);
  return legacy ? [legacy] : [];
}

/** Every expression of an authenticator, to tell whether a claim is referenced anywhere. */
export function expressionsOf(a: JwtAuthenticator): string[] {
  return [a.username.expression, a.groups?.expression, a.uid?.expression, ...a.extra.map((e) => e.valueExpression), ...a.claimValidationRules.map((r) => r.expression)].filter((x): x is string => !!x);
}

/** A userValidationRule that mentions the reserved prefix: the documented guard against `system:` identities. */
export function guardsSystemPrefix(a: JwtAuthenticator): boolean {
  return a.userValidationRules.some((e) => e.includes('system:'));
}
