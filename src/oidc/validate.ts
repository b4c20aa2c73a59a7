/**
 * Validates an ID token the way kube-apiserver's JWT authenticator does, and explains every reason
 * it would refuse it. Semantics: staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/oidc/
 * oidc.go (AuthenticateToken, verifyAudience, claim mappings, validation rules) with go-oidc's
 * verify.go (issuer, expiry without leeway, nbf with leeway, algorithms). No I/O: the caller passes
 * the issuer's JWKS.
 */
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { JwtAuthenticator } from '../checks/authn/jwt-authenticators.js';
import { CelError, CelUnsupported, evalCel, toCel, type CelValue } from './cel.js';
import { decodeJwt } from './jwt.js';

/** oidc.go: the algorithms go-oidc may be told to accept; HMAC and `none` never are. */
export const ALLOWED_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'];
/** go-oidc v3 verify.go: nbf may be this far in the future (clock skew between issuer and apiserver). */
export const NBF_LEEWAY_SECONDS = 5 * 60;
/** pkg/kubeapiserver/authenticator: the authenticated-group adder runs after every authenticator. */
const AUTHENTICATED_GROUP = 'system:authenticated';

export interface ValidatedUser {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface TokenVerdict {
  /** valid: the API server authenticates it; rejected: it does not (401); unknown: a rule could not be evaluated here */
  verdict: 'valid' | 'rejected' | 'unknown';
  issuer?: string;
  /** every reason the API server would refuse the token */
  failures: string[];
  /** rules (CEL, distributed claims) this checker cannot evaluate, so the verdict may differ */
  unevaluated: string[];
  user?: ValidatedUser;
}

export interface ValidateOptions {
  /** the issuer's keys, per issuer URL */
  jwks: (issuerUrl: string) => JSONWebKeySet | undefined;
  now?: Date;
}

/** oidc.go: the bare Google issuer is routed as its https form. */
function routedIssuer(iss: string): string {
  return iss === 'accounts.google.com' ? 'https://accounts.google.com' : iss;
}

async function checkSignature(token: string, alg: unknown, algs: string[], jwks: JSONWebKeySet | undefined): Promise<string | undefined> {
  if (typeof alg !== 'string' || !algs.includes(alg)) return `signed with ${JSON.stringify(alg)}, but only ${algs.join(', ')} is accepted`;
  if (!jwks) return 'no signing keys (JWKS) of the issuer to verify the signature with';
  try {
    await compactVerify(token, createLocalJWKSet(jwks), { algorithms: algs });
    return undefined;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') return 'no key of the issuer\'s JWKS matches the token\'s kid/alg';
    return `the signature does not verify (${(e as Error).message})`;
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure?: string; unevaluated?: string };

function cel(expression: string, env: Record<string, CelValue>, what: string): Outcome<CelValue> {
  try {
    return { ok: true, value: evalCel(expression, env) };
  } catch (e) {
    if (e instanceof CelUnsupported) return { ok: false, unevaluated: `${what} \`${expression}\`: cannot evaluate (${e.message})` };
    if (e instanceof CelError) return { ok: false, failure: `${what} \`${expression}\` fails: ${e.message}` };
    throw e;
  }
}

/** Validates `token` against the authenticators of one API server. */
export async function validateToken(token: string, authenticators: readonly JwtAuthenticator[], o: ValidateOptions): Promise<TokenVerdict> {
  let decoded;
  try {
    decoded = decodeJwt(token.trim());
  } catch (e) {
    return { verdict: 'rejected', failures: [(e as Error).message], unevaluated: [] };
  }
  const { header, claims } = decoded;
  if (typeof claims.iss !== 'string') return { verdict: 'rejected', failures: ['the token has no "iss" claim, so no JWT authenticator takes it'], unevaluated: [] };
  const issuer = routedIssuer(claims.iss);
  const a = authenticators.find((x) => x.issuerUrl === issuer);
  if (!a) {
    const known = authenticators.map((x) => x.issuerUrl ?? '?').join(', ') || 'none';
    return { verdict: 'rejected', issuer, failures: [`no JWT authenticator for issuer ${JSON.stringify(issuer)} (configured: ${known}); the issuer must match exactly, including scheme, port, path and trailing slash`], unevaluated: [] };
  }
  const failures: string[] = [];
  const unevaluated: string[] = [];
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);

  // authentication.go: the flags default to RS256; a structured config accepts every allowed alg (kubernetes#123282)
  const algs = a.source === 'config' ? ALLOWED_SIGNING_ALGS : a.signingAlgs && a.signingAlgs.length > 0 ? a.signingAlgs : ['RS256'];
  const sig = await checkSignature(token.trim(), header.alg, algs, o.jwks(issuer));
  if (sig) failures.push(sig);

  // go-oidc verify.go: expiry has no leeway; a token without exp counts as expired
  if (typeof claims.exp !== 'number') failures.push('the token has no numeric "exp" claim');
  else if (now > claims.exp) failures.push(`expired at ${new Date(claims.exp * 1000).toISOString()} (the API server allows no clock skew on exp)`);
  if (typeof claims.nbf === 'number' && claims.nbf > now + NBF_LEEWAY_SECONDS) failures.push(`not valid before ${new Date(claims.nbf * 1000).toISOString()} (more than ${NBF_LEEWAY_SECONDS / 60} min ahead)`);

  // oidc.go verifyAudience: MatchAny over aud (a string or an array)
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((x): x is string => typeof x === 'string') : [];
  if (!aud.some((x) => a.audiences.includes(x))) failures.push(`audience ${JSON.stringify(claims.aud ?? null)} contains none of ${a.audiences.map((x) => JSON.stringify(x)).join(', ') || '(no audience configured)'}`);

  const env = { claims: toCel(claims) };
  for (const r of a.claimValidationRules) {
    if (r.claim !== undefined) {
      const v = claims[r.claim];
      if (v === undefined) failures.push(`required claim "${r.claim}" is missing`);
      else if (typeof v !== 'string') failures.push(`required claim "${r.claim}" is a ${Array.isArray(v) ? 'list' : typeof v}, not a string`);
      else if (v !== (r.requiredValue ?? '')) failures.push(`required claim "${r.claim}" is ${JSON.stringify(v)}, not ${JSON.stringify(r.requiredValue ?? '')}`);
    } else if (r.expression !== undefined) {
      const res = cel(r.expression, env, 'claim validation rule');
      if (!res.ok) pushOutcome(res, failures, unevaluated);
      else if (res.value !== true) failures.push(`claim validation rule \`${r.expression}\` is ${JSON.stringify(res.value)}, not true`);
    }
  }

  const username = mapUsername(a, claims, env, failures, unevaluated);
  const groups = mapGroups(a, claims, env, failures, unevaluated);
  const user: ValidatedUser = { username: username ?? '', groups, extra: {} };
  const uid = mapUid(a, claims, env, failures, unevaluated);
  if (uid !== undefined) user.uid = uid;
  for (const e of a.extra) {
    if (!e.key || !e.valueExpression) continue;
    const res = cel(e.valueExpression, env, `extra ${e.key}`);
    if (!res.ok) pushOutcome(res, failures, unevaluated);
    else if (typeof res.value === 'string' && res.value !== '') user.extra[e.key] = [res.value];
    else if (Array.isArray(res.value)) {
      const vals = res.value.filter((x): x is string => typeof x === 'string' && x !== '');
      if (vals.length > 0) user.extra[e.key] = vals;
    }
  }
  if (typeof claims.jti === 'string' && claims.jti !== '') user.extra['authentication.kubernetes.io/credential-id'] = [`JTI=${claims.jti}`];

  if (username !== undefined) {
    const userEnv = { user: toCel({ username: user.username, uid: user.uid ?? '', groups: user.groups, extra: user.extra }) };
    for (const rule of a.userValidationRules) {
      const res = cel(rule, userEnv, 'user validation rule');
      if (!res.ok) pushOutcome(res, failures, unevaluated);
      else if (res.value !== true) failures.push(`user validation rule \`${rule}\` is ${JSON.stringify(res.value)}, not true`);
    }
  }

  const verdict = failures.length > 0 ? 'rejected' : unevaluated.length > 0 ? 'unknown' : 'valid';
  const out: TokenVerdict = { verdict, issuer, failures, unevaluated };
  if (username !== undefined) out.user = { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
  return out;
}

function pushOutcome(res: { failure?: string; unevaluated?: string }, failures: string[], unevaluated: string[]): void {
  if (res.failure) failures.push(res.failure);
  if (res.unevaluated) unevaluated.push(res.unevaluated);
}

function mapUsername(a: JwtAuthenticator, claims: Record<string, unknown>, env: Record<string, CelValue>, failures: string[], unevaluated: string[]): string | undefined {
  if (a.username.expression) {
    const res = cel(a.username.expression, env, 'username expression');
    if (!res.ok) return void pushOutcome(res, failures, unevaluated);
    if (typeof res.value !== 'string' || res.value === '') return void failures.push(`username expression \`${a.username.expression}\` gave ${JSON.stringify(res.value)}, not a non-empty string`);
    return res.value;
  }
  const claim = a.username.claim ?? 'sub';
  const v = claims[claim];
  if (v === undefined) return void failures.push(`username claim "${claim}" is missing`);
  if (typeof v !== 'string') return void failures.push(`username claim "${claim}" is not a string`);
  // oidc.go: with the email claim, an email_verified claim that is present must be true (missing is accepted)
  if (claim === 'email' && 'email_verified' in claims && claims.email_verified !== true) {
    return void failures.push(`username claim is "email" and email_verified is ${JSON.stringify(claims.email_verified)}, not true`);
  }
  return `${a.username.prefix ?? ''}${v}`;
}

function mapGroups(a: JwtAuthenticator, claims: Record<string, unknown>, env: Record<string, CelValue>, failures: string[], unevaluated: string[]): string[] {
  const g = a.groups;
  if (!g) return [];
  if (g.expression) {
    const res = cel(g.expression, env, 'groups expression');
    if (!res.ok) return pushOutcome(res, failures, unevaluated), [];
    if (res.value === null || res.value === '') return [];
    if (typeof res.value === 'string') return [res.value];
    if (Array.isArray(res.value) && res.value.every((x) => typeof x === 'string')) return res.value;
    failures.push(`groups expression \`${g.expression}\` gave ${JSON.stringify(res.value)}, not a string or a list of strings`);
    return [];
  }
  const claim = g.claim ?? '';
  const v = claims[claim];
  if (v === undefined) {
    const names = claims._claim_names;
    if (typeof names === 'object' && names !== null && claim in names) unevaluated.push(`groups claim "${claim}" is a distributed claim (_claim_sources): the API server fetches it, this checker does not`);
    return [];
  }
  const prefix = g.prefix ?? '';
  if (typeof v === 'string') return [`${prefix}${v}`];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((x: string) => `${prefix}${x}`);
  failures.push(`groups claim "${claim}" is neither a string nor a list of strings`);
  return [];
}

function mapUid(a: JwtAuthenticator, claims: Record<string, unknown>, env: Record<string, CelValue>, failures: string[], unevaluated: string[]): string | undefined {
  const u = a.uid;
  if (!u) return undefined;
  if (u.expression) {
    const res = cel(u.expression, env, 'uid expression');
    if (!res.ok) return void pushOutcome(res, failures, unevaluated);
    if (typeof res.value !== 'string') return void failures.push(`uid expression \`${u.expression}\` gave ${JSON.stringify(res.value)}, not a string`);
    return res.value;
  }
  if (!u.claim) return undefined;
  const v = claims[u.claim];
  if (v === undefined) return void failures.push(`uid claim "${u.claim}" is missing`);
  if (typeof v !== 'string') return void failures.push(`uid claim "${u.claim}" is not a string`);
  return v;
}
