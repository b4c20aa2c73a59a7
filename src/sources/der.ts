/**
 * A small DER reader (X.690) for X.509 certificates (RFC 5280 §4.1) and public/private keys: every
 * certificate field the model needs, read straight from the bytes. Building a node:crypto
 * X509Certificate per file costs far more than reading these fields (thousands of certificates
 * in an inventory). Strict where a lenient reading could yield a wrong fact: a structure that is not
 * what RFC 5280 says throws an Error starting "DER:" that names what is wrong.
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
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags do not occur in certificates');
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
    if (t.end > parent.end) throw new Error('DER: content runs past its enclosing structure');
    out.push(t);
    o = t.end;
  }
  return out;
}

/** OID texts by a hash of their content bytes: a certificate repeats the same few dozen OIDs. */
const OID_TEXTS = new Map<number, { bytes: Uint8Array; text: string }>();

export function oidText(buf: Uint8Array, t: Tlv): string {
  if (t.end === t.start || buf[t.end - 1]! & 0x80) throw new Error('DER: truncated OBJECT IDENTIFIER');
  let hash = t.end - t.start;
  for (let i = t.start; i < t.end; i++) hash = (hash * 31 + buf[i]!) | 0;
  const known = OID_TEXTS.get(hash);
  if (known && known.bytes.length === t.end - t.start) {
    let same = true;
    for (let i = 0; i < known.bytes.length; i++) if (known.bytes[i] !== buf[t.start + i]) same = false;
    if (same) return known.text;
  }
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
  const text = parts.join('.');
  if (!known && OID_TEXTS.size < 4096) OID_TEXTS.set(hash, { bytes: buf.slice(t.start, t.end), text });
  return text;
}

export function hex(buf: Uint8Array, t: Tlv): string {
  return Buffer.from(buf.buffer, buf.byteOffset + t.start, t.end - t.start).toString('hex');
}

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  version: 0xa0,
  issuerUniqueId: 0x81,
  subjectUniqueId: 0x82,
  extensions: 0xa3,
  keyId: 0x80,
} as const;

/** A whole TLV's bytes, header included. */
const whole = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.offset, t.end);
const content = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);

/** `t` when it has `tag`; else throws naming `what` + `detail` (joined only then: this runs for every field of every certificate). */
function need(t: Tlv | undefined, tag: number, what: string, detail = ''): Tlv {
  if (!t || t.tag !== tag) throw new Error(`DER: ${what}${detail} ${t ? `has tag 0x${t.tag.toString(16)}` : 'is missing'}`);
  return t;
}

/** The three parts of a certificate and the TBSCertificate's fields, checked for shape only. */
export interface CertificateParts {
  /** TBSCertificate, header included: the signed bytes */
  tbs: Uint8Array;
  /** TBSCertificate's fields: [version], serial, signature, issuer, validity, subject, spki, ... */
  fields: Tlv[];
  /** index of serialNumber in `fields` (1 with a version field, else 0) */
  first: number;
  /** Certificate.signatureAlgorithm's OID */
  signatureAlgorithmOid: string;
  /** the signature value (BIT STRING content without its unused-bits byte) */
  signature: Uint8Array;
  /** subjectPublicKeyInfo, header included */
  spki: Uint8Array;
  /** TBSCertificate.signature equals Certificate.signatureAlgorithm (RFC 5280 §4.1.2.3; OpenSSL's X509_verify refuses otherwise) */
  algorithmsAgree: boolean;
}

/** Splits a certificate's DER (RFC 5280 §4.1.1); cheap enough to run per signature check. */
export function certificateParts(der: Uint8Array): CertificateParts {
  const cert = need(readTlv(der, 0), TAG.sequence, 'Certificate');
  if (cert.end !== der.length) throw new Error(`DER: ${der.length - cert.end} bytes after the certificate`);
  const top = childrenOf(der, cert);
  if (top.length !== 3) throw new Error(`DER: a Certificate has 3 parts, this one ${top.length}`);
  const tbs = need(top[0], TAG.sequence, 'TBSCertificate');
  const sigAlg = need(top[1], TAG.sequence, 'signatureAlgorithm');
  const sig = need(top[2], TAG.bitString, 'signatureValue');
  if (sig.end === sig.start || der[sig.start] !== 0) throw new Error('DER: signatureValue is not a whole number of bytes');
  const fields = childrenOf(der, tbs);
  const first = fields[0]?.tag === TAG.version ? 1 : 0;
  const spki = need(fields[first + 5], TAG.sequence, 'subjectPublicKeyInfo');
  const tbsAlg = need(fields[first + 1], TAG.sequence, 'TBSCertificate signature');
  return {
    tbs: whole(der, tbs),
    fields,
    first,
    signatureAlgorithmOid: oidText(der, need(childrenOf(der, sigAlg)[0], TAG.oid, 'signature algorithm OID')),
    signature: der.subarray(sig.start + 1, sig.end),
    spki: whole(der, spki),
    algorithmsAgree: Buffer.compare(whole(der, tbsAlg), whole(der, sigAlg)) === 0,
  };
}

/** One attribute of a distinguished name: its type and its string value as encoded. */
export interface NameAttribute {
  oid: string;
  /** the ASN.1 string type (12 UTF8String, 19 PrintableString, 22 IA5String, ...) */
  tag: number;
  value: Uint8Array;
}

/** RDNs in encoded order, each a set of attributes (usually one). */
export type Name = NameAttribute[][];

/** A GeneralName (RFC 5280 §4.2.1.6): its context tag number (2 dNSName, 7 iPAddress, ...) and content. */
export interface GeneralName {
  kind: number;
  value: Uint8Array;
}

/** A certificate's fields (every property always present, undefined when absent: one object shape for all). */
export interface CertificateDer {
  parts: CertificateParts;
  /** 0, 1 or 2 (v1, v2, v3) */
  version: number;
  /** serialNumber's content octets (two's complement, big-endian) */
  serial: Uint8Array;
  issuer: Name;
  subject: Name;
  /** ISO 8601 */
  notBefore: string;
  notAfter: string;
  keyUsageBits: number[] | undefined;
  extKeyUsageOids: string[];
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
  basicConstraints: { ca: boolean; pathLen: number | undefined } | undefined;
  subjectAltNames: GeneralName[] | undefined;
}

function readName(der: Uint8Array, at: Tlv | undefined, what: string): Name {
  const name: Name = [];
  for (const rdn of childrenOf(der, need(at, TAG.sequence, what))) {
    const attributes: NameAttribute[] = [];
    for (const atv of childrenOf(der, need(rdn, TAG.set, what, ' RDN'))) {
      const parts = childrenOf(der, need(atv, TAG.sequence, what, ' attribute'));
      const value = parts[1];
      if (!value || parts.length !== 2) throw new Error(`DER: ${what} attribute is not a type and a value`);
      attributes.push({ oid: oidText(der, need(parts[0], TAG.oid, what, ' attribute type')), tag: value.tag, value: content(der, value) });
    }
    name.push(attributes);
  }
  return name;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `count` ASCII digits at `at` as a number; NaN when one is not a digit. */
function digits(der: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = der[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** UTCTime or GeneralizedTime as RFC 5280 §4.1.2.5 allows them (UTC, seconds, no fraction) → ISO 8601. */
function readTime(der: Uint8Array, t: Tlv | undefined, what: string): string {
  if (!t || (t.tag !== TAG.utcTime && t.tag !== TAG.generalizedTime)) throw new Error(`DER: ${what} is not a UTCTime or GeneralizedTime`);
  const yearDigits = t.tag === TAG.utcTime ? 2 : 4;
  const at = t.start + yearDigits;
  const y = digits(der, t.start, yearDigits);
  const [mo, d, h, mi, s] = [digits(der, at, 2), digits(der, at + 2, 2), digits(der, at + 4, 2), digits(der, at + 6, 2), digits(der, at + 8, 2)];
  // two-digit years: 50-99 are 19xx, 00-49 are 20xx (RFC 5280 §4.1.2.5.1)
  const year = yearDigits === 2 ? (y < 50 ? 2000 + y : 1900 + y) : y;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const valid = t.end - t.start === yearDigits + 11 && der[t.end - 1] === 0x5a && !Number.isNaN(y + mo + d + h + mi + s);
  if (!valid || mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && !leap ? 28 : DAYS_IN_MONTH[mo - 1]!) || h > 23 || mi > 59 || s > 59) {
    const text = Buffer.from(content(der, t)).toString('latin1');
    throw new Error(`DER: ${what} "${text}" is not a valid time in the form RFC 5280 requires (UTC with seconds)`);
  }
  // what Date.prototype.toISOString would print, without building a Date (twice per certificate)
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  return `${String(year).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}.000Z`;
}

/** An INTEGER's content, refusing the needless leading byte DER forbids (as OpenSSL's decoder does). */
function integerContent(der: Uint8Array, t: Tlv | undefined, what: string): Uint8Array {
  const i = need(t, TAG.integer, what);
  const b = content(der, i);
  if (b.length === 0 || (b.length > 1 && ((b[0] === 0 && !(b[1]! & 0x80)) || (b[0] === 0xff && b[1]! & 0x80)))) throw new Error(`DER: ${what} is not a minimally encoded INTEGER`);
  return b;
}

/** A small non-negative INTEGER (versions, path lengths); negative values come back negative. */
function smallInteger(b: Uint8Array): number {
  let v = b[0]! & 0x80 ? -1 : 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

function bitStringBits(der: Uint8Array, t: Tlv, what: string): number[] {
  const unused = der[t.start];
  if (unused === undefined || unused > 7 || (unused > 0 && t.end - t.start === 1)) throw new Error(`DER: ${what} is not a valid BIT STRING`);
  const out: number[] = [];
  const bits = (t.end - t.start - 1) * 8 - unused;
  for (let i = 0; i < bits; i++) if (der[t.start + 1 + (i >> 3)]! & (0x80 >> (i & 7))) out.push(i);
  return out;
}

const EXT = {
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** The one TLV inside an extension's OCTET STRING. */
function extensionValue(der: Uint8Array, value: Tlv, id: string, tag: number): Tlv {
  const t = readTlv(der, value.start);
  if (t.end !== value.end) throw new Error(`DER: extension ${id} has bytes after its value`);
  return need(t, tag, 'value of extension ', id);
}

/** Reads one extension's value into `out` (the extensions the model keeps; others are skipped). */
function readExtension(der: Uint8Array, id: string, value: Tlv, out: CertificateDer): void {
  switch (id) {
    case EXT.keyUsage:
      out.keyUsageBits = bitStringBits(der, extensionValue(der, value, id, TAG.bitString), 'keyUsage');
      break;
    case EXT.extKeyUsage:
      for (const t of childrenOf(der, extensionValue(der, value, id, TAG.sequence))) out.extKeyUsageOids.push(oidText(der, need(t, TAG.oid, 'extKeyUsage purpose')));
      break;
    case EXT.subjectKeyId:
      out.subjectKeyId = hex(der, extensionValue(der, value, id, TAG.octetString));
      break;
    case EXT.authorityKeyId:
      for (const t of childrenOf(der, extensionValue(der, value, id, TAG.sequence))) if (t.tag === TAG.keyId) out.authorityKeyId = hex(der, t);
      break;
    case EXT.basicConstraints: {
      const parts = childrenOf(der, extensionValue(der, value, id, TAG.sequence));
      const flag = parts[0]?.tag === TAG.boolean ? parts.shift() : undefined;
      if (flag && flag.end - flag.start !== 1) throw new Error(`DER: extension ${id} (basicConstraints) cA is not a BOOLEAN`);
      if (parts.length > 1) throw new Error(`DER: extension ${id} (basicConstraints) has more than cA and pathLenConstraint`);
      const pathLen = parts[0] ? smallInteger(integerContent(der, parts[0], 'basicConstraints pathLenConstraint')) : undefined;
      out.basicConstraints = { ca: flag !== undefined && der[flag.start] !== 0, pathLen };
      break;
    }
    case EXT.subjectAltName: {
      const names: GeneralName[] = [];
      for (const t of childrenOf(der, extensionValue(der, value, id, TAG.sequence))) {
        if ((t.tag & 0xc0) !== 0x80) throw new Error(`DER: extension ${id} (subjectAltName) holds a name with tag 0x${t.tag.toString(16)}`);
        names.push({ kind: t.tag & 0x1f, value: content(der, t) });
      }
      out.subjectAltNames = names;
      break;
    }
    default:
  }
}

/** Reads every certificate field the model needs (RFC 5280 §4.1.2). Throws "DER: ..." on a malformed certificate. */
export function readCertificate(der: Uint8Array): CertificateDer {
  const parts = certificateParts(der);
  const { fields, first } = parts;
  const version = first === 1 ? smallInteger(integerContent(der, childrenOf(der, fields[0]!)[0], 'version')) : 0;
  if (version < 0 || version > 2) throw new Error(`DER: unknown certificate version ${version + 1}`);
  const serial = integerContent(der, fields[first], 'serialNumber');
  const validity = childrenOf(der, need(fields[first + 3], TAG.sequence, 'validity'));
  if (validity.length !== 2) throw new Error('DER: validity is not notBefore and notAfter');
  const out: CertificateDer = {
    parts,
    version,
    serial,
    issuer: readName(der, fields[first + 2], 'issuer'),
    subject: readName(der, fields[first + 4], 'subject'),
    notBefore: readTime(der, validity[0], 'notBefore'),
    notAfter: readTime(der, validity[1], 'notAfter'),
    keyUsageBits: undefined,
    extKeyUsageOids: [],
    subjectKeyId: undefined,
    authorityKeyId: undefined,
    basicConstraints: undefined,
    subjectAltNames: undefined,
  };
  let at = first + 6;
  if (fields[at]?.tag === TAG.issuerUniqueId) at++;
  if (fields[at]?.tag === TAG.subjectUniqueId) at++;
  const extWrapper = fields[at];
  if (extWrapper) {
    if (extWrapper.tag !== TAG.extensions || at !== fields.length - 1) throw new Error(`DER: unexpected field with tag 0x${extWrapper.tag.toString(16)} in TBSCertificate`);
    if (version !== 2) throw new Error('DER: extensions in a certificate that is not version 3');
    const list = childrenOf(der, need(childrenOf(der, extWrapper)[0], TAG.sequence, 'extensions'));
    const seen = new Set<string>();
    for (const ext of list) {
      const [idTlv, ...rest] = childrenOf(der, need(ext, TAG.sequence, 'extension'));
      const id = oidText(der, need(idTlv, TAG.oid, 'extension id'));
      // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension"
      if (seen.has(id)) throw new Error(`DER: extension ${id} occurs twice`);
      seen.add(id);
      if (rest[0]?.tag === TAG.boolean) rest.shift();
      if (rest.length !== 1) throw new Error(`DER: extension ${id} is not an id, a criticality and a value`);
      readExtension(der, id, need(rest[0], TAG.octetString, 'value of extension ', id), out);
    }
  }
  return out;
}

/** Encodes one DER TLV. */
function tlv(tag: number, body: Uint8Array): Buffer {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

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
