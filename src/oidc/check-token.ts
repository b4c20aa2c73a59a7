/** `kubeward oidc check-token`: read the token and keys, validate, and render the verdict (never the token). */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { InputError } from '../cli/errors.js';
import { apiserverJwtAuthenticators, type ApiserverAuthInput } from './apiserver-auth.js';
import { fetchJwks, fetchWithCa } from './discovery.js';
import { validateToken, type TokenVerdict } from './validate.js';

export interface CheckTokenOptions extends ApiserverAuthInput {
  /** the token, or "-" / undefined to read it from stdin */
  token?: string;
  stdin: () => Promise<string>;
  jwks?: string;
  caFile?: string;
  now?: string;
}

function readJwks(file: string): JSONWebKeySet {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not a readable JSON Web Key Set (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { keys?: unknown }).keys)) throw new InputError(`${file}: no "keys" array (a JWKS is {"keys": [...]})`);
  return v as JSONWebKeySet;
}

export async function checkToken(o: CheckTokenOptions): Promise<TokenVerdict> {
  const token = (o.token === undefined || o.token === '-' ? await o.stdin() : o.token).trim();
  if (token === '') throw new InputError('no token given (pass it as an argument or on stdin with "-")');
  let now: Date | undefined;
  if (o.now !== undefined) {
    now = new Date(o.now);
    if (Number.isNaN(now.getTime())) throw new InputError(`--now: not an ISO time: ${o.now}`);
  }
  const authenticators = apiserverJwtAuthenticators(o);
  if (authenticators.length === 0) throw new InputError('the API server configuration defines no JWT authenticator (no --oidc-issuer-url, no jwt[] in the AuthenticationConfiguration)');
  const keys = new Map<string, JSONWebKeySet>();
  if (o.jwks) {
    const set = readJwks(o.jwks);
    for (const a of authenticators) if (a.issuerUrl) keys.set(a.issuerUrl, set);
  } else {
    // only the issuer the token names is fetched: that is the one authenticator that will verify it
    const { decodeJwt } = await import('./jwt.js');
    let iss: unknown;
    try {
      iss = decodeJwt(token).claims.iss;
    } catch {
      iss = undefined;
    }
    const a = authenticators.find((x) => x.issuerUrl === iss);
    if (a?.issuerUrl) {
      try {
        // as the API server: discovery from issuer.discoveryURL when the configuration sets one
        keys.set(a.issuerUrl, await fetchJwks(a.issuerUrl, fetchWithCa(o.caFile), a.discoveryUrl));
      } catch (e) {
        throw new InputError(`cannot read the signing keys of ${a.issuerUrl}: ${(e as Error).message} (use --ca-file for a private CA, or --jwks FILE)`);
      }
    }
  }
  return validateToken(token, authenticators, { jwks: (iss) => keys.get(iss), ...(now ? { now } : {}) });
}

export function renderVerdict(v: TokenVerdict): string {
  const lines: string[] = [];
  const head = v.verdict === 'valid' ? 'VALID: the API server authenticates this token' : v.verdict === 'rejected' ? 'REJECTED: the API server answers 401' : 'UNKNOWN: some rules cannot be evaluated here';
  lines.push(head);
  if (v.issuer) lines.push(`  issuer:   ${v.issuer}`);
  if (v.user && v.verdict !== 'rejected') {
    lines.push(`  username: ${v.user.username}`);
    if (v.user.uid !== undefined) lines.push(`  uid:      ${v.user.uid}`);
    lines.push(`  groups:   ${v.user.groups.join(', ')}`);
    for (const [k, vals] of Object.entries(v.user.extra)) lines.push(`  extra:    ${k}=${vals.join(',')}`);
  }
  for (const f of v.failures) lines.push(`  ✗ ${f}`);
  for (const u of v.unevaluated) lines.push(`  ? ${u}`);
  return `${lines.join('\n')}\n`;
}
