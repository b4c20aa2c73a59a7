/**
 * A tiny DER reader (X.690) for the few certificate fields node:crypto's X509Certificate does not
 * expose: the signature algorithm, key usage bits, subject/authority key identifiers and extended key
 * usages. Definite lengths only, as DER requires.
 */

export interface Tlv {
  tag: number;
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
  return { tag, start, end };
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
