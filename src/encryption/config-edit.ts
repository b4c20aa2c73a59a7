/**
 * The three edits of the staged rotation (checks.md §D.5) on an EncryptionConfiguration's text, made
 * with yaml's Document API so comments and the order of everything else survive:
 *   add     — the new key second in the first provider's keys (same provider), or the new provider
 *             second in the entry (provider change, identity → aescbc included): every server can
 *             then read what any server writes with it;
 *   promote — the new key / provider first: new writes use it;
 *   remove  — the old key / old provider gone.
 * Every edit is idempotent (an already-edited config is returned unchanged), so a resumed rotation
 * can run it again.
 */
import { isMap, isSeq, parseDocument, type Document, type YAMLSeq } from 'yaml';
import { InputError } from '../cli/errors.js';

export interface KeyRef {
  /** aescbc | aesgcm | secretbox | identity */
  provider: string;
  /** local key name (none for identity) */
  key?: string;
}

export type Edit = 'add' | 'promote' | 'remove';

function seqAt(doc: Document, path: (string | number)[], file: string): YAMLSeq {
  const node = doc.getIn(path, true);
  if (!isSeq(node)) throw new InputError(`${file}: ${path.join('.')} is not a list`);
  return node;
}

/** The provider type of a `providers` item ({aescbc: {...}}). */
function typeOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const first = item.items[0];
  return first ? String((first.key as { value?: unknown } | null)?.value ?? first.key) : undefined;
}

function keyNameOf(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const name = item.get('name');
  return typeof name === 'string' ? name : undefined;
}

function moveToFront(seq: YAMLSeq, index: number): void {
  const [item] = seq.items.splice(index, 1);
  seq.items.unshift(item);
}

/**
 * Applies `edit` to the given resources entries (indices into `resources`) of the config text.
 * `secret` (base64) is needed for `add` only.
 */
export function editConfig(file: string, text: string, entries: readonly number[], edit: Edit, from: KeyRef, to: KeyRef, secret?: string): string {
  const doc = parseDocument(text);
  const sameProvider = from.provider === to.provider;
  for (const i of entries) {
    const providers = seqAt(doc, ['resources', i, 'providers'], file);
    const at = (type: string): number => providers.items.findIndex((p) => typeOf(p) === type);
    if (sameProvider) {
      const p = at(from.provider);
      if (p < 0) throw new InputError(`${file}: resources.${i} has no ${from.provider} provider`);
      const keys = seqAt(doc, ['resources', i, 'providers', p, from.provider, 'keys'], file);
      const idx = (name: string | undefined): number => keys.items.findIndex((k) => keyNameOf(k) === name);
      if (edit === 'add' && idx(to.key) < 0) {
        if (secret === undefined) throw new Error('add needs the new key');
        keys.items.splice(Math.min(1, keys.items.length), 0, doc.createNode({ name: to.key, secret }));
      }
      if (edit === 'promote') {
        const n = idx(to.key);
        if (n < 0) throw new InputError(`${file}: resources.${i}: ${to.provider} has no key "${to.key}" to promote`);
        moveToFront(keys, n);
        if (p > 0) moveToFront(providers, p);
      }
      if (edit === 'remove' && idx(from.key) >= 0) keys.items.splice(idx(from.key), 1);
    } else {
      if (edit === 'add' && at(to.provider) < 0) {
        if (secret === undefined) throw new Error('add needs the new key');
        providers.items.splice(Math.min(1, providers.items.length), 0, doc.createNode({ [to.provider]: { keys: [{ name: to.key, secret }] } }));
      }
      if (edit === 'promote') {
        const n = at(to.provider);
        if (n < 0) throw new InputError(`${file}: resources.${i} has no ${to.provider} provider to promote`);
        moveToFront(providers, n);
      }
      if (edit === 'remove' && at(from.provider) >= 0) providers.items.splice(at(from.provider), 1);
    }
  }
  return doc.toString({ lineWidth: 0 });
}
