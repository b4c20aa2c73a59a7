/**
 * The login plugin's disk cache: one 0600 JSON file per issuer + client + scopes in a 0700
 * directory, written atomically, and an exclusive lock file so concurrent kubectl processes share one
 * login (the second waits for the first, then reads what it cached). Holds tokens: nothing here logs.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from './sha256.js';

export interface CachedTokens {
  id_token: string;
  refresh_token?: string;
}

export interface CacheKey {
  issuer: string;
  clientId: string;
  scopes: string[];
}

/** kubectl keeps its own caches under ~/.kube/cache; ours sits beside them. */
export function defaultCacheDir(): string {
  return join(homedir(), '.kube', 'cache', 'kubeward-oidc');
}

export function cacheFile(dir: string, key: CacheKey): string {
  const id = sha256Hex(JSON.stringify([key.issuer, key.clientId, [...key.scopes].sort()])).slice(0, 32);
  return join(dir, `${id}.json`);
}

export function readCache(file: string): CachedTokens | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<CachedTokens>;
    if (typeof v.id_token !== 'string') return undefined;
    return v.refresh_token === undefined ? { id_token: v.id_token } : { id_token: v.id_token, refresh_token: v.refresh_token };
  } catch {
    // a missing or damaged cache only means: log in again
    return undefined;
  }
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function writeCache(file: string, tokens: CachedTokens): void {
  ensureDir(join(file, '..'));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(tokens), { mode: 0o600 });
  renameSync(tmp, file);
}

export function removeCache(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch {
    return false;
  }
}

/** A lock older than this is left over from a crashed login (a login times out well before). */
const STALE_LOCK_MS = 10 * 60_000;

/** Waits for and takes the exclusive lock beside `file`; the returned function releases it. */
export async function lockCache(file: string, timeoutMs = STALE_LOCK_MS): Promise<() => void> {
  ensureDir(join(file, '..'));
  const lock = `${file}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // the holder released it between our attempts
    }
    if (Date.now() > deadline) throw new Error(`another login holds ${lock}; remove it if no kubeward oidc login is running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
