/**
 * What an etcd value is, from its bytes alone (checks.md §D.3): plaintext protobuf (`k8s\0`),
 * plaintext JSON, `k8s:enc:<aescbc|aesgcm|secretbox>:v1:<key>:`, `k8s:enc:kms:v1:<name>:` or a KMS v2
 * envelope `k8s:enc:kms:v2:<name>:` + protobuf EncryptedObject. No key is needed to classify.
 * Prefixes: staging/src/k8s.io/apiserver/pkg/server/options/encryptionconfig/config.go.
 */

export type StoredProvider = 'identity' | 'aescbc' | 'aesgcm' | 'secretbox' | 'kms-v1' | 'kms-v2' | 'unknown';

export interface StoredFormat {
  provider: StoredProvider;
  /** identity: how the plaintext is serialized */
  encoding?: 'protobuf' | 'json' | 'other';
  /** aescbc/aesgcm/secretbox: the key name; kms: the provider name */
  key?: string;
  /** kms v2: the KEK id the plugin reported (EncryptedObject.keyID) */
  kmsKeyId?: string;
  /** kms v2: EncryptedObject.encryptedDEKSourceType (0 AES_GCM_KEY, 1 HKDF_SHA256_XNONCE_AES_GCM_SEED) */
  kmsDekSourceType?: number;
  /** kms v2: annotation names (values are opaque) */
  kmsAnnotations?: string[];
  /** bytes after the prefix (what a transformer decrypts) start here */
  payloadOffset: number;
}

const ENC = Buffer.from('k8s:enc:');
const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const LOCAL_KEY_PROVIDERS = ['aescbc', 'aesgcm', 'secretbox'] as const;

/** Position just after the next ':' at or after `from`, or -1. */
function afterColon(v: Buffer, from: number): number {
  const i = v.indexOf(0x3a, from);
  return i < 0 ? -1 : i + 1;
}

export function classifyValue(v: Buffer): StoredFormat {
  if (!v.subarray(0, ENC.length).equals(ENC)) {
    if (v.subarray(0, 4).equals(PROTOBUF_MAGIC)) return { provider: 'identity', encoding: 'protobuf', payloadOffset: 0 };
    const first = v.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
    return { provider: 'identity', encoding: first === 0x7b ? 'json' : 'other', payloadOffset: 0 };
  }
  // k8s:enc:<provider>:<version>:<name>:
  const providerEnd = afterColon(v, ENC.length);
  const versionEnd = providerEnd < 0 ? -1 : afterColon(v, providerEnd);
  if (versionEnd < 0) return { provider: 'unknown', payloadOffset: 0 };
  const type = v.toString('latin1', ENC.length, providerEnd - 1);
  const version = v.toString('latin1', providerEnd, versionEnd - 1);
  // key names may in principle contain ':' (not validated upstream); the first ':' ends the name as the
  // apiserver's own prefix match would only succeed for the configured name, which we may not know
  const nameEnd = afterColon(v, versionEnd);
  if (nameEnd < 0) return { provider: 'unknown', payloadOffset: 0 };
  const key = v.toString('utf8', versionEnd, nameEnd - 1);
  if ((LOCAL_KEY_PROVIDERS as readonly string[]).includes(type) && version === 'v1') {
    return { provider: type as (typeof LOCAL_KEY_PROVIDERS)[number], key, payloadOffset: nameEnd };
  }
  if (type === 'kms' && version === 'v1') return { provider: 'kms-v1', key, payloadOffset: nameEnd };
  if (type === 'kms' && version === 'v2') return { provider: 'kms-v2', key, payloadOffset: nameEnd, ...encryptedObjectFacts(v.subarray(nameEnd)) };
  return { provider: 'unknown', key, payloadOffset: nameEnd };
}

/** The identifying part of a format: "aescbc:key1", "kms-v2:vault (key id k-42)", "identity (protobuf)". */
export function formatLabel(f: StoredFormat): string {
  if (f.provider === 'identity') return `identity (${f.encoding ?? 'other'})`;
  if (f.provider === 'kms-v2' && f.kmsKeyId !== undefined) return `kms-v2:${f.key ?? ''} (key id ${f.kmsKeyId})`;
  return f.key === undefined ? f.provider : `${f.provider}:${f.key}`;
}

/** A protobuf varint at `pos`: [value, next position], or undefined when truncated or over 2^53. */
function readVarint(b: Buffer, pos: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < b.length && i < pos + 8; i++) {
    const byte = b[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  return undefined;
}

interface ProtoField {
  field: number;
  wire: number;
  /** varint value (wire type 0) */
  n?: number;
  /** length-delimited bytes (wire type 2) */
  bytes?: Buffer;
}

/** Top-level fields of a protobuf message; stops at the first malformed field. */
function protoFields(b: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const tag = readVarint(b, pos);
    if (!tag) break;
    const [t, p] = tag;
    const field = Math.floor(t / 8);
    const wire = t & 7;
    if (wire === 0) {
      const v = readVarint(b, p);
      if (!v) break;
      out.push({ field, wire, n: v[0] });
      pos = v[1];
    } else if (wire === 2) {
      const len = readVarint(b, p);
      if (!len || len[1] + len[0] > b.length) break;
      out.push({ field, wire, bytes: b.subarray(len[1], len[1] + len[0]) });
      pos = len[1] + len[0];
    } else if (wire === 1 || wire === 5) {
      pos = p + (wire === 1 ? 8 : 4);
    } else {
      break;
    }
  }
  return out;
}

/**
 * The KMS v2 EncryptedObject (staging/src/k8s.io/apiserver/pkg/storage/value/encrypt/envelope/kmsv2/v2/api.proto):
 * 1 encryptedData bytes, 2 keyID string, 3 encryptedDEKSource bytes, 4 annotations map<string, bytes>,
 * 5 encryptedDEKSourceType enum. Map entries are messages {1 key, 2 value}.
 */
function encryptedObjectFacts(b: Buffer): Pick<StoredFormat, 'kmsKeyId' | 'kmsDekSourceType' | 'kmsAnnotations'> {
  const facts: Pick<StoredFormat, 'kmsKeyId' | 'kmsDekSourceType' | 'kmsAnnotations'> = {};
  for (const f of protoFields(b)) {
    if (f.field === 2 && f.bytes) facts.kmsKeyId = f.bytes.toString('utf8');
    if (f.field === 5 && f.n !== undefined) facts.kmsDekSourceType = f.n;
    if (f.field === 4 && f.bytes) {
      const name = protoFields(f.bytes).find((e) => e.field === 1)?.bytes?.toString('utf8');
      if (name !== undefined) (facts.kmsAnnotations ??= []).push(name);
    }
  }
  // proto3 omits a zero enum: an object with a key id but no field 5 is AES_GCM_KEY
  if (facts.kmsKeyId !== undefined) facts.kmsDekSourceType ??= 0;
  return facts;
}
