/**
 * The flows that talk to the issuer (openid-client 6): discovery, refresh, authorization code +
 * PKCE with a loopback redirect (RFC 8252), and the device authorization grant (RFC 8628).
 * Loaded only when the cache cannot answer.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { fetchWithCa } from './discovery.js';
import { LoginError, type LoginOptions } from './login.js';
import type { CachedTokens } from './token-cache.js';

/** How long a person has to complete a login. */
const LOGIN_TIMEOUT_MS = 5 * 60_000;

export async function configure(o: LoginOptions): Promise<client.Configuration> {
  const f = fetchWithCa(o.caFile) as unknown as client.CustomFetch;
  const auth = o.clientSecret ? client.ClientSecretPost(o.clientSecret) : client.None();
  let config: client.Configuration;
  try {
    config = await client.discovery(new URL(o.issuer), o.clientId, undefined, auth, { [client.customFetch]: f });
  } catch (e) {
    throw new LoginError(`discovery of ${o.issuer} failed: ${(e as Error).message}${o.caFile ? '' : ' (a private CA needs --ca-file)'}`);
  }
  config[client.customFetch] = f;
  return config;
}

function tokensOf(t: client.TokenEndpointResponse, previousRefresh?: string): CachedTokens {
  if (!t.id_token) throw new LoginError('the issuer returned no ID token (is the "openid" scope granted?)');
  const refresh = t.refresh_token ?? previousRefresh;
  return refresh ? { id_token: t.id_token, refresh_token: refresh } : { id_token: t.id_token };
}

/** A refreshed token set, or undefined when the refresh token is no longer accepted (then log in again). */
export async function refresh(config: client.Configuration, refreshToken: string): Promise<CachedTokens | undefined> {
  try {
    return tokensOf(await client.refreshTokenGrant(config, refreshToken), refreshToken);
  } catch (e) {
    if (e instanceof client.ResponseBodyError) return undefined;
    throw e;
  }
}

function openBrowser(url: string): void {
  const child = spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(listen);
  if (!m) throw new LoginError(`--listen must be a loopback address with a port (127.0.0.1:0), got ${listen}`);
  return { host: m[1] === '[::1]' ? '::1' : m[1]!, port: Number(m[2]) };
}

export async function authCodeLogin(config: client.Configuration, o: LoginOptions): Promise<CachedTokens> {
  const { host, port } = parseListen(o.listen);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  try {
    const bound = (server.address() as AddressInfo).port;
    const redirectUri = `http://${host === '::1' ? '[::1]' : host}:${bound}/callback`;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: o.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    o.say(`Open this URL in a browser to log in to ${o.issuer}:\n${url.toString()}`);
    if (o.openBrowser) openBrowser(url.toString());
    return await new Promise<CachedTokens>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LoginError(`no login completed within ${LOGIN_TIMEOUT_MS / 60_000} minutes`)), LOGIN_TIMEOUT_MS);
      server.on('request', (req, res) => {
        const current = new URL(req.url ?? '/', redirectUri);
        if (current.pathname !== '/callback') {
          res.writeHead(404).end();
          return;
        }
        client
          .authorizationCodeGrant(config, current, { pkceCodeVerifier: verifier, expectedState: state })
          .then((t) => {
            const tokens = tokensOf(t);
            res.writeHead(200, { 'content-type': 'text/plain' }).end('Logged in. You can close this window.\n');
            clearTimeout(timer);
            resolve(tokens);
          })
          .catch((e: unknown) => {
            res.writeHead(400, { 'content-type': 'text/plain' }).end('Login failed; see the terminal.\n');
            clearTimeout(timer);
            reject(new LoginError(`login failed: ${(e as Error).message}`));
          });
      });
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

export async function deviceLogin(config: client.Configuration, o: LoginOptions): Promise<CachedTokens> {
  const d = await client.initiateDeviceAuthorization(config, { scope: o.scopes.join(' ') });
  const where = d.verification_uri_complete ?? d.verification_uri;
  o.say(`To log in to ${o.issuer}, open ${where}${d.verification_uri_complete ? '' : ` and enter the code ${d.user_code}`} (code: ${d.user_code})`);
  if (o.openBrowser) openBrowser(where);
  const abort = AbortSignal.timeout(Math.min(LOGIN_TIMEOUT_MS, d.expires_in * 1000));
  try {
    return tokensOf(await client.pollDeviceAuthorizationGrant(config, d, undefined, { signal: abort }));
  } catch (e) {
    throw new LoginError(`device login failed: ${(e as Error).message}`);
  }
}
