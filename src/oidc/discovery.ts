/**
 * Reading an issuer's discovery document and JWKS over HTTPS with an optional private CA. Node's
 * global fetch has no `ca` option, so undici's fetch with its own Agent carries it (deps.md §4).
 */
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';

/** A fetch that trusts `caFile` (PEM) in addition to nothing else, or the system roots without one. */
export function fetchWithCa(caFile?: string): typeof fetch {
  if (!caFile) return fetch;
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  // undici's fetch types differ from lib.dom's in detail only; the behaviour is the same fetch
  return ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}

async function getJson(f: typeof fetch, url: string): Promise<Record<string, unknown>> {
  const res = await f(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body: unknown = await res.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`GET ${url}: not a JSON object`);
  return body as Record<string, unknown>;
}

export interface Discovery {
  issuer: string;
  jwks_uri: string;
  [k: string]: unknown;
}

/**
 * Where the API server reads an issuer's discovery document: `{issuer}/.well-known/openid-configuration`,
 * or the structured configuration's `issuer.discoveryURL` as given (for a provider the API server
 * reaches at another address than the one in its tokens, e.g. an in-cluster service). oidc.go
 * rewrites the well-known request to that URL; go-oidc then still requires `issuer` to equal issuer.url.
 */
function discoveryDocumentUrl(issuer: string, discoveryUrl?: string): string {
  return discoveryUrl ?? `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** The issuer's discovery document; like the API server, its `issuer` must equal the URL exactly. */
export async function discover(issuer: string, f: typeof fetch, discoveryUrl?: string): Promise<Discovery> {
  const url = discoveryDocumentUrl(issuer, discoveryUrl);
  const doc = await getJson(f, url);
  if (doc.issuer !== issuer) throw new Error(`discovery of ${issuer} (${url}) names issuer ${JSON.stringify(doc.issuer)}; the API server requires them to be equal`);
  if (typeof doc.jwks_uri !== 'string') throw new Error(`discovery of ${issuer} (${url}) has no jwks_uri`);
  return doc as Discovery;
}

/** The issuer's signing keys, from the jwks_uri of its discovery document (read from `discoveryUrl` when given). */
export async function fetchJwks(issuer: string, f: typeof fetch, discoveryUrl?: string): Promise<JSONWebKeySet> {
  const d = await discover(issuer, f, discoveryUrl);
  const jwks = await getJson(f, d.jwks_uri);
  if (!Array.isArray(jwks.keys)) throw new Error(`${d.jwks_uri}: no "keys" array`);
  return jwks as unknown as JSONWebKeySet;
}
