/** The cache-key SHA-256 equals node:crypto's for every padding case (block boundaries) and multi-byte text. */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/oidc/sha256.js';

describe('sha256Hex', () => {
  it('matches node:crypto', () => {
    const texts = ['', 'abc', '["https://idp.example.test","kubectl",["email","groups","openid"]]', 'é€😀'.repeat(40)];
    for (let n = 0; n <= 200; n++) texts.push(randomBytes(n).toString('base64').slice(0, n));
    for (const t of texts) expect(sha256Hex(t), JSON.stringify(t)).toBe(createHash('sha256').update(t, 'utf8').digest('hex'));
  });
});
