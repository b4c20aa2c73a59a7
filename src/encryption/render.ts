/** Text and JSON renderings of `encryption status` (key names and counts only, never values). */
import type { EncryptionStatus, FormatCount, KeyList } from './status.js';

function label(f: FormatCount): string {
  const base = f.key === undefined ? f.provider : `${f.provider}:${f.key}`;
  return f.kmsKeyId === undefined ? base : `${base} (key id ${f.kmsKeyId})`;
}

function listLines(title: string, list: KeyList, out: string[]): void {
  if (list.count === 0) return;
  out.push(`  ${title} (${list.count}):`);
  for (const k of list.keys) out.push(`    ${k}`);
  if (list.count > list.keys.length) out.push(`    ... and ${list.count - list.keys.length} more`);
}

export function renderStatusText(s: EncryptionStatus): string {
  const out: string[] = [`etcd ${s.endpoints.join(', ')} at revision ${s.revision ?? '-'}${s.config ? `, config ${s.config}` : ''}`];
  for (const r of s.resources) {
    out.push('', `${r.resource} (${r.etcdPrefix}): ${r.total} object(s)`);
    for (const f of r.formats) {
      const notes = [f.current ? 'current' : '', f.readable === false ? 'NOT READABLE with this config' : '', f.readable && f.current === false ? 'stale' : ''].filter(Boolean);
      out.push(`  ${String(f.count).padStart(8)}  ${label(f)}${notes.length ? `  [${notes.join(', ')}]` : ''}`);
    }
    listLines('plaintext', r.plaintext, out);
    if (r.unreadable) listLines('on a provider or key the config does not have', r.unreadable, out);
    if (r.stale !== undefined) out.push(`  stale (a rewrite re-encrypts them): ${r.stale}`);
    if (r.verified) {
      out.push(`  decrypted with the configured key: ${r.verified.ok}`);
      listLines('did NOT decrypt with the configured key', r.verified.failed, out);
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderStatusJson(s: EncryptionStatus): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/** Exit 1 ("no") when something is plaintext, unreadable, stale or fails to decrypt. */
export function statusHasProblems(s: EncryptionStatus): boolean {
  return s.resources.some((r) => r.plaintext.count > 0 || (r.unreadable?.count ?? 0) > 0 || (r.stale ?? 0) > 0 || (r.verified?.failed.count ?? 0) > 0);
}
