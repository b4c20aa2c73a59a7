/**
 * NaCl secretbox (XSalsa20-Poly1305), which the `secretbox` provider uses through
 * golang.org/x/crypto/nacl/secretbox (staging/src/k8s.io/apiserver/pkg/storage/value/encrypt/secretbox/secretbox.go).
 * Node's crypto has neither Salsa20 nor a standalone Poly1305, so both are written out here from the
 * specifications (Bernstein, "The Salsa20 family of stream ciphers" and "Extending the Salsa20 nonce";
 * RFC 8439 §2.5 for Poly1305). Box layout: tag(16) ‖ XSalsa20 ciphertext; the first 32 bytes of the
 * key stream are the one-time Poly1305 key and the message is encrypted from byte 32 on.
 */
import { timingSafeEqual } from 'node:crypto';

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(v: number, n: number): number {
  return (v << n) | (v >>> (32 - n));
}

/** 20 rounds (10 double rounds) over the 16-word state, in place. */
function rounds(x: Uint32Array): void {
  const qr = (a: number, b: number, c: number, d: number): void => {
    x[b]! ^= rotl((x[a]! + x[d]!) | 0, 7);
    x[c]! ^= rotl((x[b]! + x[a]!) | 0, 9);
    x[d]! ^= rotl((x[c]! + x[b]!) | 0, 13);
    x[a]! ^= rotl((x[d]! + x[c]!) | 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    // column round, then row round
    qr(0, 4, 8, 12);
    qr(5, 9, 13, 1);
    qr(10, 14, 2, 6);
    qr(15, 3, 7, 11);
    qr(0, 1, 2, 3);
    qr(5, 6, 7, 4);
    qr(10, 11, 8, 9);
    qr(15, 12, 13, 14);
  }
}

/** The Salsa20 input block: constants, 32-byte key, 16 bytes of nonce/counter. */
function initialState(key: Buffer, input16: Buffer): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = SIGMA[0]!;
  s[5] = SIGMA[1]!;
  s[10] = SIGMA[2]!;
  s[15] = SIGMA[3]!;
  for (let i = 0; i < 4; i++) {
    s[1 + i] = key.readUInt32LE(4 * i);
    s[11 + i] = key.readUInt32LE(16 + 4 * i);
    s[6 + i] = input16.readUInt32LE(4 * i);
  }
  return s;
}

/** HSalsa20: the XSalsa20 subkey from the key and the first 16 nonce bytes. */
function hsalsa20(key: Buffer, nonce16: Buffer): Buffer {
  const x = initialState(key, nonce16);
  rounds(x);
  const out = Buffer.alloc(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => out.writeUInt32LE(x[w]!, 4 * i));
  return out;
}

/** `length` bytes of XSalsa20 key stream for a 32-byte key and a 24-byte nonce. */
function xsalsa20Stream(key: Buffer, nonce: Buffer, length: number): Buffer {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const input = Buffer.alloc(16);
  nonce.copy(input, 0, 16, 24);
  const out = Buffer.alloc(Math.ceil(length / 64) * 64);
  const x = new Uint32Array(16);
  for (let block = 0; block * 64 < length; block++) {
    // 64-bit little-endian block counter in input[8..16]
    input.writeUInt32LE(block >>> 0, 8);
    input.writeUInt32LE(Math.floor(block / 2 ** 32), 12);
    const init = initialState(subkey, input);
    x.set(init);
    rounds(x);
    for (let i = 0; i < 16; i++) out.writeUInt32LE((x[i]! + init[i]!) >>> 0, block * 64 + 4 * i);
  }
  subkey.fill(0);
  return out.subarray(0, length);
}

function leBigInt(b: Buffer): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** Poly1305 one-time authenticator (RFC 8439 §2.5.1) over `msg` with a 32-byte one-time key. */
function poly1305(msg: Buffer, oneTimeKey: Buffer): Buffer {
  const p = (1n << 130n) - 5n;
  const r = leBigInt(oneTimeKey.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = leBigInt(oneTimeKey.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const chunk = msg.subarray(i, i + 16);
    acc = ((acc + leBigInt(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  const tag = Buffer.alloc(16);
  for (let i = 0; i < 16; i++, acc >>= 8n) tag[i] = Number(acc & 0xffn);
  return tag;
}

export const SECRETBOX_NONCE = 24;
export const SECRETBOX_OVERHEAD = 16;

/** secretbox.Seal: tag ‖ ciphertext (the caller puts the nonce in front, as the provider does). */
export function secretboxSeal(plaintext: Buffer, nonce: Buffer, key: Buffer): Buffer {
  const stream = xsalsa20Stream(key, nonce, 32 + plaintext.length);
  const ct = Buffer.alloc(plaintext.length);
  for (let i = 0; i < ct.length; i++) ct[i] = plaintext[i]! ^ stream[32 + i]!;
  return Buffer.concat([poly1305(ct, stream.subarray(0, 32)), ct]);
}

/** secretbox.Open: the plaintext, or undefined when the tag does not verify. */
export function secretboxOpen(box: Buffer, nonce: Buffer, key: Buffer): Buffer | undefined {
  if (box.length < SECRETBOX_OVERHEAD) return undefined;
  const ct = box.subarray(SECRETBOX_OVERHEAD);
  const stream = xsalsa20Stream(key, nonce, 32 + ct.length);
  if (!timingSafeEqual(poly1305(ct, stream.subarray(0, 32)), box.subarray(0, SECRETBOX_OVERHEAD))) return undefined;
  const out = Buffer.alloc(ct.length);
  for (let i = 0; i < out.length; i++) out[i] = ct[i]! ^ stream[32 + i]!;
  return out;
}
