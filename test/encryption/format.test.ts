import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEncryptionConfig } from '../../src/encryption/config.js';
import { decryptPayload, encryptValue, verifyValue } from '../../src/encryption/decrypt.js';
import { classifyValue, formatLabel } from '../../src/encryption/format.js';
import { secretboxOpen, secretboxSeal } from '../../src/encryption/secretbox.js';
import { etcdPrefixFor } from '../../src/encryption/resources.js';

const ETCD_KEY = '/registry/secrets/default/s1';
const PLAIN = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.from('\n\x0c\n\x02v1\x12\x06Secret\x12\x10some-secret-data')]);

/** protobuf helpers to build a KMS v2 EncryptedObject by hand */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
function lenField(field: number, b: Buffer): Buffer {
  return Buffer.concat([varint(field * 8 + 2), varint(b.length), b]);
}

describe('classifyValue', () => {
  it('plaintext protobuf and JSON', () => {
    expect(classifyValue(PLAIN)).toMatchObject({ provider: 'identity', encoding: 'protobuf' });
    expect(classifyValue(Buffer.from('{"kind":"Widget"}'))).toMatchObject({ provider: 'identity', encoding: 'json' });
    expect(classifyValue(Buffer.from('  \n{"a":1}'))).toMatchObject({ provider: 'identity', encoding: 'json' });
    expect(classifyValue(Buffer.from('garbage'))).toMatchObject({ provider: 'identity', encoding: 'other' });
  });

  it('local-key providers with the key name and the payload offset', () => {
    for (const p of ['aescbc', 'aesgcm', 'secretbox'] as const) {
      const v = Buffer.concat([Buffer.from(`k8s:enc:${p}:v1:key-2:`), randomBytes(48)]);
      const f = classifyValue(v);
      expect(f).toMatchObject({ provider: p, key: 'key-2', payloadOffset: `k8s:enc:${p}:v1:key-2:`.length });
      expect(formatLabel(f)).toBe(`${p}:key-2`);
    }
  });

  it('kms v1 with its provider name', () => {
    const v = Buffer.concat([Buffer.from('k8s:enc:kms:v1:vault:'), Buffer.from([0, 3]), randomBytes(40)]);
    expect(classifyValue(v)).toMatchObject({ provider: 'kms-v1', key: 'vault' });
  });

  it('kms v2: key id, DEK source type and annotation names from the EncryptedObject protobuf', () => {
    const annotation = Buffer.concat([lenField(1, Buffer.from('version.encryption.remote.io')), lenField(2, Buffer.from('1'))]);
    const obj = Buffer.concat([
      lenField(1, randomBytes(80)),
      lenField(2, Buffer.from('kek-2024-05')),
      lenField(3, randomBytes(40)),
      lenField(4, annotation),
      Buffer.from([5 * 8, 1]),
    ]);
    const f = classifyValue(Buffer.concat([Buffer.from('k8s:enc:kms:v2:vault-kms:'), obj]));
    expect(f).toMatchObject({ provider: 'kms-v2', key: 'vault-kms', kmsKeyId: 'kek-2024-05', kmsDekSourceType: 1, kmsAnnotations: ['version.encryption.remote.io'] });
    expect(formatLabel(f)).toBe('kms-v2:vault-kms (key id kek-2024-05)');
    // key mode: field 5 omitted (proto3 zero value)
    const keyMode = classifyValue(Buffer.concat([Buffer.from('k8s:enc:kms:v2:k:'), lenField(1, randomBytes(30)), lenField(2, Buffer.from('id1'))]));
    expect(keyMode).toMatchObject({ kmsKeyId: 'id1', kmsDekSourceType: 0 });
  });

  it('truncated or unknown prefixes are unknown, not a crash', () => {
    expect(classifyValue(Buffer.from('k8s:enc:aescbc')).provider).toBe('unknown');
    expect(classifyValue(Buffer.from('k8s:enc:rot13:v1:k:xxx')).provider).toBe('unknown');
    // a truncated protobuf stops the reader
    expect(classifyValue(Buffer.concat([Buffer.from('k8s:enc:kms:v2:k:'), Buffer.from([0x12, 0x7f, 0x41])])).kmsKeyId).toBeUndefined();
  });
});

describe('decryption (vectors built with node:crypto as the apiserver builds them)', () => {
  it('aescbc: IV(16) ‖ AES-CBC with PKCS#7, no associated data', () => {
    for (const len of [16, 24, 32]) {
      const key = randomBytes(len);
      const iv = randomBytes(16);
      const c = createCipheriv(`aes-${len * 8}-cbc`, key, iv);
      const value = Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), iv, c.update(PLAIN), c.final()]);
      const f = classifyValue(value);
      expect(decryptPayload('aescbc', key, value.subarray(f.payloadOffset), ETCD_KEY)).toEqual(PLAIN);
      // copying the value to another key still decrypts: CBC has no associated data
      expect(decryptPayload('aescbc', key, value.subarray(f.payloadOffset), '/registry/secrets/other/x')).toEqual(PLAIN);
      expect(decryptPayload('aescbc', randomBytes(len), value.subarray(f.payloadOffset), ETCD_KEY)).not.toEqual(PLAIN);
    }
  });

  it('aesgcm: nonce(12) ‖ ciphertext ‖ tag(16), the etcd key as associated data', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(Buffer.from(ETCD_KEY));
    const value = Buffer.concat([Buffer.from('k8s:enc:aesgcm:v1:k:'), nonce, c.update(PLAIN), c.final(), c.getAuthTag()]);
    const payload = value.subarray(classifyValue(value).payloadOffset);
    expect(decryptPayload('aesgcm', key, payload, ETCD_KEY)).toEqual(PLAIN);
    expect(decryptPayload('aesgcm', key, payload, '/registry/secrets/default/other')).toBeUndefined();
    const tampered = Buffer.from(payload);
    tampered[14]! ^= 1;
    expect(decryptPayload('aesgcm', key, tampered, ETCD_KEY)).toBeUndefined();
  });

  it('secretbox: matches libsodium crypto_secretbox_easy (vector computed with libsodium 1.0.18)', () => {
    const key = Buffer.alloc(32, 7);
    const nonce = Buffer.from(Array.from({ length: 24 }, (_, i) => i));
    const m = Buffer.from('hello secretbox world, a message longer than sixty-four bytes so two blocks are used... ok');
    const expected =
      'bc46a83e48d959aedcf0fd6f3e8c2600f27b8523e45511a086e2267f53b939b7829b209b56c35cdbf1646ee19703ee78a056486df2e3d2c40c6c28ef7ae0cb9baf597f3eac409dfa5f75db40532db5d2f6c2c12d8b686229dd014fcc2e12428033653f470a5ac1b7bc63';
    expect(secretboxSeal(m, nonce, key).toString('hex')).toBe(expected);
    expect(secretboxOpen(Buffer.from(expected, 'hex'), nonce, key)).toEqual(m);
    const bad = Buffer.from(expected, 'hex');
    bad[20]! ^= 1;
    expect(secretboxOpen(bad, nonce, key)).toBeUndefined();
    // stored layout: nonce(24) ‖ tag ‖ ciphertext, after the prefix
    const value = encryptValue('secretbox', 'sb', key, PLAIN, ETCD_KEY);
    expect(decryptPayload('secretbox', key, value.subarray(classifyValue(value).payloadOffset), ETCD_KEY)).toEqual(PLAIN);
  });

  it('verifyValue tries the configured keys of the matching provider by name', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const providers = [
      { type: 'aesgcm', keys: [{ name: 'new', secret: k2 }] },
      { type: 'aescbc', keys: [{ name: 'new', secret: k2 }, { name: 'old', secret: k1 }] },
    ];
    expect(verifyValue(encryptValue('aescbc', 'old', k1, PLAIN, ETCD_KEY), ETCD_KEY, providers)).toBe('ok');
    expect(verifyValue(encryptValue('aesgcm', 'new', k2, PLAIN, ETCD_KEY), ETCD_KEY, providers)).toBe('ok');
    expect(verifyValue(encryptValue('aescbc', 'old', k2, PLAIN, ETCD_KEY), ETCD_KEY, providers)).toBe('failed');
    expect(verifyValue(encryptValue('secretbox', 'x', k2, PLAIN, ETCD_KEY), ETCD_KEY, providers)).toBe('no-key');
    expect(verifyValue(PLAIN, ETCD_KEY, providers)).toBe('not-local');
  });
});

describe('config and layout', () => {
  it('reads key bytes per entry and provider', () => {
    const secret = randomBytes(32).toString('base64');
    const cfg = parseEncryptionConfig('enc.yaml', `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aesgcm:\n      keys:\n      - name: k2\n        secret: ${secret}\n  - identity: {}\n`);
    expect(cfg.providers[0]?.[0]).toMatchObject({ type: 'aesgcm', keys: [{ name: 'k2' }] });
    expect(cfg.providers[0]?.[0]?.keys[0]?.secret.toString('base64')).toBe(secret);
    expect(cfg.facts.resources[0]?.providers[0]?.keys[0]?.line).toBe(8);
    expect(() => parseEncryptionConfig('x.yaml', 'kind: Pod\n')).toThrow(/x.yaml: not an EncryptionConfiguration/);
  });

  it('etcd prefixes of built-in, exceptional and custom resources', () => {
    expect(etcdPrefixFor('secrets')).toBe('/registry/secrets/');
    expect(etcdPrefixFor('services')).toBe('/registry/services/specs/');
    expect(etcdPrefixFor('deployments.apps', '/custom/')).toBe('/custom/deployments/');
    expect(etcdPrefixFor('widgets.example.com')).toBe('/registry/example.com/widgets/');
  });
});
