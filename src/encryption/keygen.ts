/**
 * A new local key: 32 random bytes, base64 (what `secret:` holds). 32 bytes suit every local provider
 * (AES-256 for aescbc/aesgcm; secretbox requires exactly 32). Written with mode 0600 through a temp
 * file and a rename, so a reader never sees a partial or world-readable key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';

export const LOCAL_PROVIDERS = ['aescbc', 'aesgcm', 'secretbox'] as const;
export type LocalProvider = (typeof LOCAL_PROVIDERS)[number];

export function newKeySecret(): string {
  return randomBytes(32).toString('base64');
}

/** Writes `text` to `path` with mode 0600: temp file in the same directory, then rename. */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.kubeward-${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The provider snippet to paste into an EncryptionConfiguration (the key goes only where the caller sends it). */
export function keySnippet(provider: LocalProvider, name: string, secret: string): string {
  return [`- ${provider}:`, '    keys:', `      - name: ${name}`, `        secret: ${secret}`, ''].join('\n');
}
