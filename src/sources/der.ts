/**
 * A tiny DER reader (X.690) for the few certificate fields node:crypto's X509Certificate does not
 * expose: the signature algorithm, key usage bits, subject/authority key identifiers and extended key
 * usages. Definite lengths only, as DER requires.
 */

export interface Tlv {
  tag: number;
  /** offset of the tag byte */
  offset: number;
  /** offset of the content */
  start: number;
  /** offset after the content */
  end: number;
}

export function readTlv(buf: Uint8Array, offset: number): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER: truncated header');
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > buf.length) throw new Error('DER: content runs past the end');
  return { tag, offset, start, end };
}

export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let o = parent.start; o < parent.end; ) {
    const t = readTlv(buf, o);
    out.push(t);
    o = t.end;
  }
  return out;
}

export function oidText(buf: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function hex(buf: Uint8Array, t: Tlv): string {
  return Buffer.from(buf.subarray(t.start, t.end)).toString('hex');
}

const TAG = { sequence: 0x30, oid: 0x06, octetString: 0x04, bitString: 0x03, extensions: 0xa3, keyId: 0x80 } as const;

export interface CertificateDer {
  signatureAlgorithmOid: string;
  keyUsageBits: number[];
  extKeyUsageOids: string[];
  subjectKeyId?: string;
  authorityKeyId?: string;
}

/** Reads the fields node:crypto lacks from a certificate's DER (RFC 5280 §4.1). */
export function readCertificateDer(der: Uint8Array): CertificateDer {
  const cert = readTlv(der, 0);
  const [tbs, sigAlg] = childrenOf(der, cert);
  if (!tbs || !sigAlg) throw new Error('DER: not a certificate');
  const algOid = childrenOf(der, sigAlg)[0];
  const out: CertificateDer = { signatureAlgorithmOid: algOid ? oidText(der, algOid) : '', keyUsageBits: [], extKeyUsageOids: [] };
  const extWrapper = childrenOf(der, tbs).find((t) => t.tag === TAG.extensions);
  const extSeq = extWrapper ? childrenOf(der, extWrapper)[0] : undefined;
  for (const ext of extSeq ? childrenOf(der, extSeq) : []) {
    const parts = childrenOf(der, ext);
    const id = parts[0] ? oidText(der, parts[0]) : '';
    const valueOctets = parts[parts.length - 1];
    if (!valueOctets || valueOctets.tag !== TAG.octetString) continue;
    const inner = readTlv(der, valueOctets.start);
    if (id === '2.5.29.15' && inner.tag === TAG.bitString) {
      const unused = der[inner.start] ?? 0;
      const bytes = der.subarray(inner.start + 1, inner.end);
      const bits = bytes.length * 8 - unused;
      for (let i = 0; i < bits; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) out.keyUsageBits.push(i);
    } else if (id === '2.5.29.14' && inner.tag === TAG.octetString) {
      out.subjectKeyId = hex(der, inner);
    } else if (id === '2.5.29.35' && inner.tag === TAG.sequence) {
      const kid = childrenOf(der, inner).find((t) => t.tag === TAG.keyId);
      if (kid) out.authorityKeyId = hex(der, kid);
    } else if (id === '2.5.29.37' && inner.tag === TAG.sequence) {
      out.extKeyUsageOids = childrenOf(der, inner).filter((t) => t.tag === TAG.oid).map((t) => oidText(der, t));
    }
  }
  return out;
}

/** Encodes one DER TLV. */
function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

/** A whole TLV's bytes, header included. */
const whole = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.offset, t.end);

const OID = {
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
} as const;

/** Named curves as node:crypto names them. */
const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
};

export interface PublicKeyInfo {
  /** the SubjectPublicKeyInfo DER, whose sha256 is the key's fingerprint */
  spki: Uint8Array;
  type: string;
  bits?: number;
  curve?: string;
}

/** Bits of an unsigned big-endian INTEGER's content. */
function integerBits(buf: Uint8Array, t: Tlv): number {
  let i = t.start;
  while (i < t.end - 1 && buf[i] === 0) i++;
  const lead = buf[i] ?? 0;
  return (t.end - i - 1) * 8 + (lead === 0 ? 0 : 32 - Math.clz32(lead));
}

/** Type and size of a SubjectPublicKeyInfo; undefined for algorithms this reader does not know. */
export function readSpki(spki: Uint8Array): PublicKeyInfo | undefined {
  const seq = readTlv(spki, 0);
  const [alg, bits] = childrenOf(spki, seq);
  if (!alg || !bits || bits.tag !== TAG.bitString) return undefined;
  const [algOid, params] = childrenOf(spki, alg);
  const oid = algOid ? oidText(spki, algOid) : '';
  const der = whole(spki, seq);
  if (oid === OID.rsa) {
    const key = readTlv(spki, bits.start + 1);
    const modulus = childrenOf(spki, key)[0];
    return modulus ? { spki: der, type: 'rsa', bits: integerBits(spki, modulus) } : undefined;
  }
  if (oid === OID.ec) {
    const curve = params && params.tag === TAG.oid ? CURVES[oidText(spki, params)] : undefined;
    return curve ? { spki: der, type: 'ec', bits: curve.bits, curve: curve.name } : undefined;
  }
  if (oid === OID.ed25519) return { spki: der, type: 'ed25519', bits: 256 };
  if (oid === OID.ed448) return { spki: der, type: 'ed448', bits: 456 };
  return undefined;
}

/** The SubjectPublicKeyInfo inside a certificate's DER. */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const cert = readTlv(der, 0);
  const tbs = childrenOf(der, cert)[0];
  if (!tbs) throw new Error('DER: not a certificate');
  const fields = childrenOf(der, tbs);
  // version [0] is optional; then serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const spki = fields[fields[0]?.tag === 0xa0 ? 6 : 5];
  if (!spki) throw new Error('DER: no subjectPublicKeyInfo');
  return whole(der, spki);
}

const RSA_ALG = tlv(0x30, Buffer.concat([Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]), Buffer.from([0x05, 0x00])]));
const EC_OID = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);

/** The public half of an RSA (PKCS#1 content) key, as SubjectPublicKeyInfo. */
function rsaPublic(buf: Uint8Array, key: Tlv): Uint8Array | undefined {
  const [, n, e] = childrenOf(buf, key);
  if (!n || !e) return undefined;
  const pub = tlv(0x30, Buffer.concat([whole(buf, n), whole(buf, e)]));
  return tlv(0x30, Buffer.concat([RSA_ALG, tlv(0x03, Buffer.concat([Buffer.from([0]), pub]))]));
}

/** The public half of an EC key (SEC 1 ECPrivateKey content), when the key carries it. */
function ecPublic(buf: Uint8Array, key: Tlv, curveOid: Uint8Array | undefined): Uint8Array | undefined {
  const parts = childrenOf(buf, key);
  const params = parts.find((t) => t.tag === 0xa0);
  const pub = parts.find((t) => t.tag === 0xa1);
  const curve = curveOid ?? (params ? buf.subarray(params.start, params.end) : undefined);
  if (!pub || !curve) return undefined;
  // [1] is an explicit tag around the BIT STRING
  const bits = buf.subarray(pub.start, pub.end);
  return tlv(0x30, Buffer.concat([tlv(0x30, Buffer.concat([EC_OID, curve])), bits]));
}

/**
 * The SubjectPublicKeyInfo of a private key's DER (PKCS#1 "RSA PRIVATE KEY", SEC 1 "EC PRIVATE
 * KEY", or PKCS#8 "PRIVATE KEY" holding either); undefined when it cannot be derived by reading.
 */
export function privateKeySpki(der: Uint8Array, label: string): Uint8Array | undefined {
  const top = readTlv(der, 0);
  if (label === 'RSA PRIVATE KEY') return rsaPublic(der, top);
  if (label === 'EC PRIVATE KEY') return ecPublic(der, top, undefined);
  if (label !== 'PRIVATE KEY') return undefined;
  const [, alg, octets] = childrenOf(der, top);
  if (!alg || !octets || octets.tag !== TAG.octetString) return undefined;
  const [algOid, params] = childrenOf(der, alg);
  const oid = algOid ? oidText(der, algOid) : '';
  const inner = readTlv(der, octets.start);
  if (oid === OID.rsa) return rsaPublic(der, inner);
  if (oid === OID.ec && params && params.tag === TAG.oid) return ecPublic(der, inner, whole(der, params));
  return undefined;
}
