/** Writing PKI files: keys 0600, certificates and public keys 0644, each through a temp file and a rename. */
import { mkdirSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PkiFile {
  /** relative to the PKI dir */
  path: string;
  content: string;
  /** a private key (0600) or not (0644) */
  secret: boolean;
}

export const KEY_MODE = 0o600;
export const CERT_MODE = 0o644;

/** Writes one file atomically (temp file in the same directory, then rename) with its mode. */
export function writeAtomic(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const tmp = `${path}.kubeward-${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode); // the umask may have narrowed it
  renameSync(tmp, path);
}

export function writePkiFiles(dir: string, files: readonly PkiFile[]): void {
  for (const f of files) writeAtomic(join(dir, f.path), f.content, f.secret ? KEY_MODE : CERT_MODE);
}
