/**
 * EncryptionConfiguration facts (apiserver.config.k8s.io/v1; staging/src/k8s.io/apiserver/pkg/apis/
 * apiserver/types_encryption.go): every resources entry with its providers in order. A key becomes its
 * name, decoded length and a short sha256 fingerprint; the key bytes are dropped here.
 */
import { createHash } from 'node:crypto';
import type { EncryptionConfigFacts, EncryptionKeyFacts, EncryptionProviderFacts, EncryptionResourceFacts } from '../model/control-plane.js';
import { asString, isRecord, type ParsedDocument } from './yaml-doc.js';

function keyFacts(key: unknown, line: number | undefined): EncryptionKeyFacts {
  const k = isRecord(key) ? key : {};
  const secret = Buffer.from(asString(k.secret) ?? '', 'base64');
  const facts: EncryptionKeyFacts = {
    name: asString(k.name) ?? '',
    length: secret.length,
    fingerprint: createHash('sha256').update(secret).digest('hex').slice(0, 16),
  };
  secret.fill(0);
  if (line !== undefined) facts.line = line;
  return facts;
}

export function encryptionConfigFacts(doc: ParsedDocument): EncryptionConfigFacts {
  const v = isRecord(doc.value) ? doc.value : {};
  const resources: EncryptionResourceFacts[] = (Array.isArray(v.resources) ? v.resources : []).map((entry: unknown, i: number) => {
    const e = isRecord(entry) ? entry : {};
    const base = `resources.${i}`;
    const providers: EncryptionProviderFacts[] = (Array.isArray(e.providers) ? e.providers : []).map((p: unknown, j: number) => {
      const path = `${base}.providers.${j}`;
      // each provider entry is a one-key object: {aescbc: {...}}, {kms: {...}}, {identity: {}}
      const [type = 'unknown', body] = Object.entries(isRecord(p) ? p : {})[0] ?? [];
      const b = isRecord(body) ? body : {};
      const keys = Array.isArray(b.keys) ? b.keys.map((k: unknown, n: number) => keyFacts(k, doc.lines[`${path}.${type}.keys.${n}`])) : [];
      const facts: EncryptionProviderFacts = { type, keys };
      const name = asString(b.name);
      if (name !== undefined) facts.name = name;
      if (type === 'kms') facts.kmsApiVersion = asString(b.apiVersion) ?? 'v1';
      const line = doc.lines[path];
      if (line !== undefined) facts.line = line;
      return facts;
    });
    const facts: EncryptionResourceFacts = { resources: Array.isArray(e.resources) ? e.resources.map(String) : [], providers };
    const line = doc.lines[base];
    if (line !== undefined) facts.line = line;
    return facts;
  });
  const facts: EncryptionConfigFacts = { resources };
  const apiVersion = asString(v.apiVersion);
  const kind = asString(v.kind);
  if (apiVersion !== undefined) facts.apiVersion = apiVersion;
  if (kind !== undefined) facts.kind = kind;
  return facts;
}
