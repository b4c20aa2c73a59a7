/**
 * A real OpenID provider for tests: `oidc-provider` (the certified Node implementation) on
 * https://127.0.0.1:<free port> with a test CA made by openssl, an RS256 signing key, and a public
 * native client `kubectl` (auth code + PKCE, device code, refresh). Users log in through the
 * provider's devInteractions pages, which `browse()` drives headlessly (fetch, a cookie jar, form
 * filling): the same HTTP exchanges a browser makes. Grants are counted per grant type so tests can
 * tell how many logins happened.
 */
import { createServer, type Server } from 'node:https';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { createCa, issueCert, pkiDir, rmPki, type CertFiles } from './openssl-pki.js';

export interface TestUser {
  email?: string;
  emailVerified?: boolean;
  groups?: string[];
}

export interface OidcProviderOptions {
  /** seconds an ID token is valid (default 3600) */
  idTokenTtl?: number;
  users?: Record<string, TestUser>;
  /**
   * A path appended to https://127.0.0.1:<port> in the issuer URL. The provider still answers at the
   * root, so `${issuer}/.well-known/openid-configuration` is not found and discovery is read only at
   * `discoveryUrl`: a provider the API server reaches at another address than its issuer URL
   * (AuthenticationConfiguration issuer.discoveryURL).
   */
  issuerPath?: string;
}

export interface TestProvider {
  issuer: string;
  /** where the discovery document is served (`${issuer}/.well-known/openid-configuration` unless issuerPath is set) */
  discoveryUrl: string;
  caFile: string;
  ca: CertFiles;
  clientId: string;
  /** the provider's private signing key (RS256, kid "rs1") as a JWK, for crafting tokens */
  signingJwk: Record<string, unknown>;
  /** the public JWKS as served */
  jwks: { keys: Record<string, unknown>[] };
  /** token grants served, by grant_type (authorization_code, refresh_token, urn:...:device_code) */
  grants: Record<string, number>;
  /** completes an authorization request (auth code flow) as `user`; returns the final redirect URL after it was fetched */
  browse(authorizationUrl: string, user: string): Promise<string>;
  /** confirms a device-flow user code as `user` */
  confirmDevice(verificationUriComplete: string, user: string): Promise<void>;
  stop(): Promise<void>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export async function startOidcProvider(o: OidcProviderOptions = {}): Promise<TestProvider> {
  const { default: Provider } = await import('oidc-provider');
  const dir = pkiDir('kubeward-oidc-');
  const ca = createCa(dir, 'oidc-ca', 'kubeward test OIDC CA');
  const serving = issueCert(ca, dir, 'oidc-server', { cn: '127.0.0.1', sans: ['IP:127.0.0.1', 'DNS:localhost'], usage: 'server' });
  const server: Server = createServer({ cert: readFileSync(serving.cert), key: readFileSync(serving.key) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `https://127.0.0.1:${port}`;
  const issuer = `${origin}${o.issuerPath ?? ''}`;

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'rs1', alg: 'RS256', use: 'sig' } as Record<string, unknown>;
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'rs1', alg: 'RS256', use: 'sig' } as Record<string, unknown>;
  const users = o.users ?? {};
  const grants: Record<string, number> = {};

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'kubectl',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token', DEVICE_GRANT],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingJwk] },
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'offline_access', 'email', 'groups'],
    // Kubernetes reads email and groups from the ID token, so put scope claims there
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { IdToken: o.idTokenTtl ?? 3600, AccessToken: o.idTokenTtl ?? 3600, RefreshToken: 86400, DeviceCode: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['kubeward-test-cookie-key'] },
    findAccount: (_ctx, id) => {
      const u = users[id] ?? {};
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          ...(u.email !== undefined ? { email: u.email, email_verified: u.emailVerified ?? true } : {}),
          ...(u.groups ? { groups: u.groups } : {}),
        }),
      };
    },
  });
  provider.on('grant.success', (ctx) => {
    const type = ctx.oidc.params?.grant_type;
    if (typeof type !== 'string') return;
    grants[type] = (grants[type] ?? 0) + 1;
  });
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));

  const dispatcher = new Agent({ connect: { ca: readFileSync(ca.cert) } });

  async function walk(start: string, user: string, method: 'GET' | 'POST' = 'GET', body?: URLSearchParams): Promise<string> {
    const jar = new Map<string, string>();
    let url = start;
    let req: { method: string; body?: URLSearchParams } = body ? { method, body } : { method };
    for (let hops = 0; hops < 30; hops++) {
      if (!url.startsWith(origin)) {
        // the redirect back to the client (the plugin's loopback listener); a test that reads the code
        // from the URL itself has no listener there, which a browser would show as an error page
        await fetch(url).then((r) => r.text(), () => undefined);
        return url;
      }
      const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      if (req.body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await undiciFetch(url, { method: req.method, headers, redirect: 'manual', dispatcher, ...(req.body ? { body: req.body.toString() } : {}) });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair?.indexOf('=') ?? -1;
        if (pair && eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.text();
        url = new URL(location, url).toString();
        req = { method: 'GET' };
        continue;
      }
      const html = await res.text();
      const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
      if (!form) return url;
      const fields = new URLSearchParams();
      for (const m of form[2]!.matchAll(/<input[^>]*>/g)) {
        const name = /name="([^"]*)"/.exec(m[0])?.[1];
        if (!name) continue;
        const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
        fields.set(name, name === 'login' || name === 'password' ? user : value);
      }
      url = new URL(form[1]!.replace(/&amp;/g, '&'), url).toString();
      req = { method: 'POST', body: fields };
    }
    throw new Error(`headless browser: too many hops from ${start}`);
  }

  return {
    issuer,
    discoveryUrl: `${origin}/.well-known/openid-configuration`,
    caFile: ca.cert,
    ca,
    clientId: 'kubectl',
    signingJwk,
    jwks: { keys: [publicJwk] },
    grants,
    browse: (authorizationUrl, user) => walk(authorizationUrl, user),
    confirmDevice: async (verificationUriComplete, user) => {
      await walk(verificationUriComplete, user);
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
      rmPki(dir);
    },
  };
}
