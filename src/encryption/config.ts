/**
 * An EncryptionConfiguration file read WITH its key bytes, for the engine only (decrypting to verify,
 * rotating keys). The facts (names, lengths, fingerprints, lines) come from the node-root source's
 * parser; the key bytes stay here, in the caller's hands, and never enter the model.
 */
import { readFileSync } from 'node:fs';
import { entryFor } from '../checks/encryption/encryption-config.js';
import { InputError } from '../cli/errors.js';
import type { EncryptionConfigFacts, EncryptionResourceFacts } from '../model/control-plane.js';
import { encryptionConfigFacts } from '../sources/encryption-config.js';
import { asString, isRecord, parseDocuments } from '../sources/yaml-doc.js';
import { parseResourceName } from './resources.js';

export interface LocalKey {
  name: string;
  secret: Buffer;
}

export interface KeyedProvider {
  type: string;
  /** aescbc, aesgcm, secretbox: keys in order */
  keys: LocalKey[];
}

export interface EncryptionConfigFile {
  path: string;
  text: string;
  facts: EncryptionConfigFacts;
  /** per resources entry, per provider: the keys with their bytes */
  providers: KeyedProvider[][];
}

export function readEncryptionConfig(path: string): EncryptionConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseEncryptionConfig(path, text);
}

export function parseEncryptionConfig(path: string, text: string): EncryptionConfigFile {
  const parsed = parseDocuments(text);
  if (!parsed.ok) throw new InputError(`${path}${parsed.error.line ? `:${parsed.error.line}` : ''}: ${parsed.error.message}`);
  const doc = parsed.docs[0];
  if (!doc || !isRecord(doc.value) || doc.value.kind !== 'EncryptionConfiguration') throw new InputError(`${path}: not an EncryptionConfiguration (kind: EncryptionConfiguration)`);
  const entries = Array.isArray(doc.value.resources) ? doc.value.resources : [];
  const providers = entries.map((entry: unknown) =>
    (isRecord(entry) && Array.isArray(entry.providers) ? entry.providers : []).map((p: unknown): KeyedProvider => {
      const [type = 'unknown', body] = Object.entries(isRecord(p) ? p : {})[0] ?? [];
      const keys = isRecord(body) && Array.isArray(body.keys) ? body.keys : [];
      return {
        type,
        keys: keys.filter(isRecord).map((k) => ({ name: asString(k.name) ?? '', secret: Buffer.from(asString(k.secret) ?? '', 'base64') })),
      };
    }),
  );
  return { path, text, facts: encryptionConfigFacts(doc), providers };
}

/** The entry that covers a resource ("secrets", "widgets.example.com"), with its providers' keys. */
export function entryOf(cfg: EncryptionConfigFile, name: string): { entry: EncryptionResourceFacts; index: number; providers: KeyedProvider[] } | undefined {
  const { resource, group } = parseResourceName(name);
  const found = entryFor(cfg.facts, group, resource);
  if (!found) return undefined;
  return { entry: found.entry, index: found.index, providers: cfg.providers[found.index] ?? [] };
}
