/**
 * Decrypting a stored value with the local keys of a config, to prove the keys open it (the result is
 * only checked, never printed). Byte layouts and associated data (checks.md §D.3):
 *  - aescbc: IV(16) ‖ CBC ciphertext, PKCS#7 padding, no associated data (storage/value/encrypt/aes/aes.go, cbc)
 *  - aesgcm: nonce(12) ‖ ciphertext ‖ tag(16), associated data = the full etcd key
 *    (aes.go gcm.TransformFromStorage passes context.AuthenticatedData(); storage/etcd3/store.go
 *    authenticatedDataString(key) is the etcd key itself, prefix included)
 *  - secretbox: nonce(24) ‖ Poly1305 tag(16) ‖ XSalsa20 ciphertext, no associated data (encrypt/secretbox/secretbox.go)
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import type { KeyedProvider } from './config.js';
import { classifyValue } from './format.js';
import { secretboxOpen, secretboxSeal, SECRETBOX_NONCE } from './secretbox.js';

function cbcName(key: Buffer): string {
  return `aes-${key.length * 8}-cbc`;
}

function gcmName(key: Buffer): CipherGCMTypes {
  return key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
}

/** Decrypts one provider payload (the bytes after `k8s:enc:<p>:v1:<key>:`); undefined when it does not open. */
export function decryptPayload(provider: string, key: Buffer, payload: Buffer, etcdKey: string): Buffer | undefined {
  try {
    if (provider === 'aescbc') {
      if (payload.length < 32 || payload.length % 16 !== 0) return undefined;
      const d = createDecipheriv(cbcName(key), key, payload.subarray(0, 16));
      // node's PKCS#7 check is the same as aes.go's: last byte n in 1..16, n bytes equal to n
      return Buffer.concat([d.update(payload.subarray(16)), d.final()]);
    }
    if (provider === 'aesgcm') {
      if (payload.length < 28) return undefined;
      const d = createDecipheriv(gcmName(key), key, payload.subarray(0, 12));
      d.setAAD(Buffer.from(etcdKey));
      d.setAuthTag(payload.subarray(payload.length - 16));
      return Buffer.concat([d.update(payload.subarray(12, payload.length - 16)), d.final()]);
    }
    if (provider === 'secretbox') {
      if (payload.length < SECRETBOX_NONCE + 16) return undefined;
      return secretboxOpen(payload.subarray(SECRETBOX_NONCE), payload.subarray(0, SECRETBOX_NONCE), key);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Encrypts as the apiserver would (full value with prefix); used by tests and the benchmark to make stored values. */
export function encryptValue(provider: 'aescbc' | 'aesgcm' | 'secretbox', keyName: string, key: Buffer, plaintext: Buffer, etcdKey: string): Buffer {
  const prefix = Buffer.from(`k8s:enc:${provider}:v1:${keyName}:`);
  if (provider === 'aescbc') {
    const iv = randomBytes(16);
    const c = createCipheriv(cbcName(key), key, iv);
    return Buffer.concat([prefix, iv, c.update(plaintext), c.final()]);
  }
  if (provider === 'aesgcm') {
    const nonce = randomBytes(12);
    const c = createCipheriv(gcmName(key), key, nonce);
    c.setAAD(Buffer.from(etcdKey));
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    return Buffer.concat([prefix, nonce, ct, c.getAuthTag()]);
  }
  const nonce = randomBytes(SECRETBOX_NONCE);
  return Buffer.concat([prefix, nonce, secretboxSeal(plaintext, nonce, key)]);
}

export type DecryptOutcome = 'ok' | 'failed' | 'no-key' | 'not-local';

/**
 * Tries the keys of `providers` (one config entry) that match the value's provider and key name, as the
 * apiserver's prefix transformers would. `ok` when one opens it; `no-key` when the config has no such key.
 */
export function verifyValue(value: Buffer, etcdKey: string, providers: readonly KeyedProvider[]): DecryptOutcome {
  const f = classifyValue(value);
  if (f.provider !== 'aescbc' && f.provider !== 'aesgcm' && f.provider !== 'secretbox') return 'not-local';
  const candidates = providers.filter((p) => p.type === f.provider).flatMap((p) => p.keys.filter((k) => k.name === f.key));
  if (candidates.length === 0) return 'no-key';
  const payload = value.subarray(f.payloadOffset);
  for (const k of candidates) {
    const plain = decryptPayload(f.provider, k.secret, payload, etcdKey);
    if (plain) {
      plain.fill(0);
      return 'ok';
    }
  }
  return 'failed';
}
