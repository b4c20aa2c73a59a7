/**
 * `kubeward oidc login`: the kubectl exec credential plugin. The cached path (a valid ID token on
 * disk) reads one file and prints; openid-client is imported only to refresh or log in.
 */
import { cacheFile, defaultCacheDir, lockCache, readCache, removeCache, writeCache, type CacheKey, type CachedTokens } from './token-cache.js';
import { execCredential, readExecInfo, type ExecInfo } from './exec-credential.js';
import { expiryOf } from './jwt.js';

/** A token this close to expiry is renewed now, so kubectl does not send one that lapses in flight. */
export const EXPIRY_SKEW_SECONDS = 10;

export interface LoginOptions extends CacheKey {
  clientSecret?: string;
  caFile?: string;
  grant: 'auth-code' | 'device-code';
  listen: string;
  openBrowser?: boolean;
  forceRefresh: boolean;
  cacheDir?: string;
  apiVersion?: string;
  /** where messages for the person go (kubectl passes the plugin's stderr through) */
  say: (line: string) => void;
}

export class LoginError extends Error {
  override readonly name = 'LoginError';
}

function fresh(t: CachedTokens | undefined, now: number): t is CachedTokens {
  const exp = t ? expiryOf(t.id_token) : undefined;
  return exp !== undefined && exp - EXPIRY_SKEW_SECONDS > now;
}

const now = (): number => Math.floor(Date.now() / 1000);

/** What the plugin knows before asking anyone: kubectl's request, the cache file, what it holds, and whether that answers. */
function lookup(o: CachedLoginOptions): { info: ExecInfo; file: string; cached: CachedTokens | undefined; hit: CachedTokens | undefined } {
  const info = readExecInfo(process.env.KUBERNETES_EXEC_INFO, o.apiVersion, () => process.stdin.isTTY === true);
  const file = cacheFile(o.cacheDir ?? defaultCacheDir(), o);
  const cached = readCache(file);
  return { info, file, cached, hit: !o.forceRefresh && fresh(cached, now()) ? cached : undefined };
}

function credentialOf(info: ExecInfo, t: CachedTokens): string {
  return execCredential(info.apiVersion, t.id_token, expiryOf(t.id_token));
}

export type CachedLoginOptions = Pick<LoginOptions, 'issuer' | 'clientId' | 'scopes' | 'cacheDir' | 'apiVersion' | 'forceRefresh'>;

/**
 * The ExecCredential of a cached ID token that is still fresh, or undefined when the issuer must be
 * asked (no token, expiring, --force-refresh). One file read, no signature check and no network: the
 * API server verifies the token; the plugin only decides whether to renew it. The fast path of
 * bin/kubeward.js and `login` both answer a cache hit through here.
 */
export function cachedCredential(o: CachedLoginOptions): string | undefined {
  const { info, hit } = lookup(o);
  return hit && credentialOf(info, hit);
}

/** Returns the ExecCredential JSON text for stdout. */
export async function login(o: LoginOptions): Promise<string> {
  const { info, file, cached, hit } = lookup(o);
  const out = (t: CachedTokens): string => credentialOf(info, t);
  if (hit) return out(hit);

  const release = await lockCache(file);
  try {
    // another kubectl may have logged in while we waited for the lock
    const after = readCache(file);
    if (fresh(after, now()) && (!o.forceRefresh || after?.id_token !== cached?.id_token)) return out(after);
    const flows = await import('./login-flows.js');
    const config = await flows.configure(o);
    if (after?.refresh_token) {
      const refreshed = await flows.refresh(config, after.refresh_token);
      if (refreshed) {
        writeCache(file, refreshed);
        return out(refreshed);
      }
    }
    if (info.fromKubectl && !info.interactive) {
      throw new LoginError(
        `no valid token for ${o.issuer} and kubectl runs this plugin non-interactively (interactiveMode Never, or stdin is not a terminal); ` +
          `log in first: kubeward oidc login --issuer ${o.issuer} --client-id ${o.clientId}`,
      );
    }
    const person = { ...o, openBrowser: o.openBrowser ?? info.interactive };
    const tokens = o.grant === 'device-code' ? await flows.deviceLogin(config, person) : await flows.authCodeLogin(config, person);
    writeCache(file, tokens);
    return out(tokens);
  } finally {
    release();
  }
}

export function logout(o: CacheKey & { cacheDir?: string }): boolean {
  return removeCache(cacheFile(o.cacheDir ?? defaultCacheDir(), o));
}
