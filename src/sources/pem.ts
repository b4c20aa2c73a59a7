/**
 * Facts about PEM certificates and keys, read from the DER (der.ts) and printed as node:crypto's
 * X509Certificate prints them, so facts stay the same whichever way they were read. Building an
 * X509Certificate costs several times the whole DER reading; it is built only for the rare names
 * and SANs whose printing is not reproduced here (and for signatures crypto.verify cannot check
 * directly). Key material never leaves these functions: a key becomes its type, size and the
 * sha256 of its public half.
 */
import { createPrivateKey, createPublicKey, hash, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateFacts, KeyFacts } from '../model/control-plane.js';
import { certificateParts, privateKeySpki, readCertificate, readSpki, type GeneralName, type Name } from './der.js';

/** Signature algorithms by OID: OpenSSL's (long) name as `openssl x509 -text` prints it, and the digest crypto.verify takes (null: the algorithm hashes itself; absent: X509Certificate.verify). */
const SIGNATURE_ALGORITHMS: Record<string, { name: string; digest?: string | null }> = {
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', digest: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', digest: 'sha1' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', digest: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', digest: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', digest: 'sha512' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', digest: 'sha224' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', digest: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', digest: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', digest: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', digest: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', digest: 'sha512' },
  '1.2.840.10040.4.3': { name: 'dsaWithSHA1' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256' },
  '1.3.101.112': { name: 'ED25519', digest: null },
  '1.3.101.113': { name: 'ED448', digest: null },
};

/** RFC 5280 §4.2.1.3 bit order. */
const KEY_USAGES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];
const KEY_CERT_SIGN = 5;

const EXT_KEY_USAGES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** Name attributes by OID, with OpenSSL's short names (crypto/objects/objects.txt); others go through X509Certificate. */
const NAME_ATTRIBUTES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const CURVE_BITS: Record<string, number> = { prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521, secp256k1: 256 };

export interface PemBlock {
  label: string;
  /** the whole block, BEGIN to END */
  text: string;
  /** 1-based line of the BEGIN marker */
  line: number;
}

export interface PemError {
  message: string;
  line: number;
}

/** PEM blocks in a text, and the BEGIN markers that have no END (a truncated file). */
export function pemBlocks(text: string): { blocks: PemBlock[]; errors: PemError[] } {
  const blocks: PemBlock[] = [];
  const errors: PemError[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  // lines are counted from where the previous count stopped: a bundle of many blocks stays linear
  let line = 1;
  let counted = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1]!;
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    counted = m.index;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf(endMarker, m.index);
    const nextBegin = text.indexOf('-----BEGIN ', m.index + m[0].length);
    if (end < 0 || (nextBegin >= 0 && nextBegin < end)) {
      errors.push({ message: `truncated PEM: "BEGIN ${label}" at line ${line} has no "END ${label}"`, line });
      continue;
    }
    blocks.push({ label, text: text.slice(m.index, end + endMarker.length), line });
    re.lastIndex = end + endMarker.length;
  }
  return { blocks, errors };
}

/** The DER inside a PEM block, without headers (encrypted legacy keys have "Proc-Type:" headers). */
export function blockDer(b: PemBlock): Buffer {
  let body = b.text.slice(b.text.indexOf('\n') + 1, b.text.lastIndexOf('-----END '));
  if (body.includes(':')) body = body.split('\n').filter((l) => !l.includes(':')).join('\n');
  // Buffer.from skips what is not base64: refuse it instead, as OpenSSL's PEM reader does
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) throw new Error('the block is not base64');
  return Buffer.from(body, 'base64');
}

/** sha256 in hex, one shot (crypto.hash: far cheaper than a Hash object for a few hundred bytes) */
const sha256 = (data: Uint8Array): string => hash('sha256', data, 'hex');

function spkiFingerprint(key: KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'der' }));
}

/** Key facts read from SubjectPublicKeyInfo DER (no KeyObject: cheaper), when der.ts knows the algorithm. */
function spkiFacts(spki: Uint8Array | undefined): Omit<KeyFacts, 'encrypted'> | undefined {
  const info = spki ? readSpki(spki) : undefined;
  if (!info) return undefined;
  const facts: Omit<KeyFacts, 'encrypted'> = { type: info.type, publicKeyFingerprint: sha256(info.spki) };
  if (info.bits !== undefined) facts.bits = info.bits;
  if (info.curve !== undefined) facts.curve = info.curve;
  return facts;
}

function keyFacts(key: KeyObject): Omit<KeyFacts, 'encrypted'> {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const facts: Omit<KeyFacts, 'encrypted'> = { type, publicKeyFingerprint: spkiFingerprint(key) };
  if (details.modulusLength !== undefined) facts.bits = details.modulusLength;
  if (details.namedCurve !== undefined) {
    facts.curve = details.namedCurve;
    const bits = CURVE_BITS[details.namedCurve];
    if (bits !== undefined) facts.bits = bits;
  }
  if (type === 'ed25519') facts.bits = 256;
  return facts;
}

const spkiKey = (spki: Uint8Array): KeyObject => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });

/** A name's lines as node:crypto prints them (["CN=a", "O=b"]) → "CN=a, O=b", with the CN and O values. */
function nameParts(lines: readonly string[]): { text: string; cn?: string; o: string[] } {
  const out: { text: string; cn?: string; o: string[] } = { text: '', o: [] };
  const shown: string[] = [];
  for (const l of lines) {
    if (l.length === 0) continue;
    shown.push(l);
    if (l.startsWith('O=')) out.o.push(l.slice(2));
    else if (out.cn === undefined && l.startsWith('CN=')) out.cn = l.slice(3);
  }
  out.text = shown.join(', ');
  return out;
}

/** ASN.1 string types and the bytes per character OpenSSL reads them with (crypto/asn1/a_strex.c tag2nbyte; 0: UTF8String, copied byte by byte). */
const STRING_WIDTHS: Record<number, number> = { 12: 0, 18: 1, 19: 1, 20: 1, 22: 1, 26: 1, 28: 4, 30: 2 };
/** Characters RFC 2253 escapes with a backslash anywhere in a value. */
const RFC2253_SPECIALS = new Set([...',+"\\<>;'].map((c) => c.charCodeAt(0)));
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * One attribute value as X509_NAME_print_ex prints it with node's flags (ESC_2253 | ESC_CTRL |
 * UTF8_CONVERT; crypto/asn1/a_strex.c do_buf and do_esc_char); undefined for what is not
 * reproduced here (unknown string types, invalid UTF-8, code points outside Unicode).
 */
function attributeValue(tag: number, v: Uint8Array): string | undefined {
  const width = STRING_WIDTHS[tag];
  if (width === undefined || (width > 1 && v.length % width !== 0)) return undefined;
  if (width <= 1 && plainAscii(v)) return latin1(v);
  const chars: number[] = [];
  if (width === 0) {
    if (!isUtf8(v)) return undefined;
    chars.push(...v);
  } else {
    for (let i = 0; i < v.length; i += width) {
      let c = 0;
      for (let j = 0; j < width; j++) c = c * 256 + v[i + j]!;
      if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) return undefined;
      chars.push(c);
    }
  }
  const out: string[] = [];
  chars.forEach((c, i) => {
    const last = i === chars.length - 1;
    // a UTF8String's bytes are printed as they are; other types are converted to UTF-8, never escaped above 0x7f
    if (c > 0x7f) out.push(width === 0 ? String.fromCharCode(c) : String.fromCodePoint(c));
    else if (RFC2253_SPECIALS.has(c) || (c === 0x20 && (i === 0 || last)) || (c === 0x23 && i === 0 && !last)) out.push(`\\${String.fromCharCode(c)}`);
    else if (c < 0x20 || c === 0x7f) out.push(`\\${c.toString(16).toUpperCase().padStart(2, '0')}`);
    else out.push(String.fromCharCode(c));
  });
  const text = out.join('');
  // the UTF8String bytes above went in one per char code: back to the characters they encode
  return width === 0 ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

/** Printable ASCII that RFC 2253 leaves as it is (the usual value: nothing to escape or convert). */
function plainAscii(v: Uint8Array): boolean {
  for (const c of v) if (c < 0x20 || c > 0x7e || RFC2253_SPECIALS.has(c)) return false;
  const first = v[0];
  const last = v[v.length - 1];
  return first !== 0x20 && !(first === 0x23 && v.length > 1) && last !== 0x20;
}

function isUtf8(v: Uint8Array): boolean {
  try {
    utf8Strict.decode(v);
    return true;
  } catch {
    return false;
  }
}

/** A name's RDNs as node:crypto's X509Certificate.subject prints them, one a line ("O=b + OU=c"); undefined when not reproduced here. */
function nameLines(name: Name): string[] | undefined {
  const lines: string[] = [];
  for (const rdn of name) {
    let line = '';
    for (const a of rdn) {
      const key = NAME_ATTRIBUTES[a.oid];
      const value = key ? attributeValue(a.tag, a.value) : undefined;
      if (key === undefined || value === undefined) return undefined;
      line += `${line ? ' + ' : ''}${key}=${value}`;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * A dNSName, rfc822Name or URI as node prints it in subjectAltName (src/crypto/crypto_common.cc
 * PrintGeneralName/PrintAltName): the value as is when safe, else as a JSON-like quoted string.
 */
function altName(prefix: string, v: Uint8Array): string {
  let safe = true;
  for (const c of v) if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x2c || c === 0x27) safe = false;
  if (safe) return `${prefix}:${latin1(v)}`;
  let out = `${prefix}:"`;
  for (const c of v) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c >= 0x20 && c !== 0x2c && c <= 0x7e) out += String.fromCharCode(c);
    else out += `\\u00${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const latin1 = (v: Uint8Array): string => Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1');

/** GeneralName context tags (RFC 5280 §4.2.1.6). */
const GN = { rfc822Name: 1, dNSName: 2, uri: 6, ipAddress: 7 } as const;

/** SANs as the model writes them ("DNS:x", "IP:1.2.3.4", "email:x", "URI:x"); undefined for kinds not reproduced here. */
function sanTexts(names: GeneralName[]): string[] | undefined {
  const out: string[] = [];
  for (const n of names) {
    if (n.kind === GN.dNSName) out.push(altName('DNS', n.value));
    else if (n.kind === GN.rfc822Name) out.push(altName('email', n.value));
    else if (n.kind === GN.uri) out.push(altName('URI', n.value));
    else if (n.kind === GN.ipAddress) out.push(`IP:${ipText(n.value)}`);
    else return undefined;
  }
  return out;
}

/** An iPAddress as node prints it: dotted IPv4, or eight uncompressed upper-case hex groups for IPv6. */
function ipText(b: Uint8Array): string {
  if (b.length === 4) return b.join('.');
  if (b.length === 16) return Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16).toUpperCase()).join(':');
  return `<invalid length=${b.length}>`;
}

/** The serial as OpenSSL's BN_bn2hex prints it (whole bytes, "-" for a negative number), in lower case. */
function serialText(b: Uint8Array): string {
  if (b[0]! & 0x80) {
    const magnitude = (1n << BigInt(b.length * 8)) - BigInt(`0x${Buffer.from(b).toString('hex')}`);
    const h = magnitude.toString(16);
    return `-${h.length % 2 ? '0' : ''}${h}`;
  }
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return i === b.length ? '0' : Buffer.from(b.buffer, b.byteOffset + i, b.length - i).toString('hex');
}

/**
 * Whether `issuerKey` made the certificate's signature (RFC 5280 §4.1.1.3), checked over the
 * TBSCertificate bytes; false when the two signature algorithm fields differ, as OpenSSL's
 * X509_verify answers. Algorithms crypto.verify cannot take as they are (RSA-PSS, DSA) go to
 * X509Certificate.verify.
 */
export function signatureVerifies(der: Uint8Array, issuerKey: KeyObject): boolean {
  const c = certificateParts(der);
  if (!c.algorithmsAgree) return false;
  const digest = SIGNATURE_ALGORITHMS[c.signatureAlgorithmOid]?.digest;
  try {
    if (digest === undefined) return new X509Certificate(der).verify(issuerKey);
    return verify(digest, c.tbs, issuerKey, c.signature);
  } catch {
    return false;
  }
}

/**
 * The DER each CertificateFacts object was read from, for as long as that object lives: the
 * inventory checks signatures over it instead of reading thousands of files a second time.
 */
const DER_OF_FACTS = new WeakMap<CertificateFacts, Uint8Array>();

/** The DER `facts` were read from in this process (undefined for facts from elsewhere, e.g. a snapshot). */
export function derOfFacts(facts: CertificateFacts): Uint8Array | undefined {
  return DER_OF_FACTS.get(facts);
}

/** Facts of one DER certificate. Throws ("DER: ...") when it is malformed. */
export function certificateFactsOfDer(der: Uint8Array): CertificateFacts {
  const c = readCertificate(der);
  let node: X509Certificate | undefined;
  const viaNode = (): X509Certificate => (node ??= new X509Certificate(der));
  const subject = nameParts(nameLines(c.subject) ?? viaNode().subject.split('\n'));
  const issuer = nameParts(nameLines(c.issuer) ?? viaNode().issuer.split('\n'));
  const bc = c.basicConstraints;
  const facts: CertificateFacts = {
    subject: subject.text,
    organizations: subject.o,
    issuer: issuer.text,
    serial: serialText(c.serial),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    // X509Certificate.ca is X509_check_ca() == 1 (crypto/x509/v3_purp.c check_ca): basic constraints
    // cA, a valid path length, and keyCertSign when key usage is there
    isCA: bc !== undefined && bc.ca && (bc.pathLen === undefined || bc.pathLen >= 0) && (!c.keyUsageBits || c.keyUsageBits.includes(KEY_CERT_SIGN)),
    sans: c.subjectAltNames ? (sanTexts(c.subjectAltNames) ?? nodeSans(viaNode())) : [],
    keyUsage: (c.keyUsageBits ?? []).map((b) => KEY_USAGES[b] ?? `bit${b}`),
    extKeyUsage: c.extKeyUsageOids.map((o) => EXT_KEY_USAGES[o] ?? o),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[c.parts.signatureAlgorithmOid]?.name ?? c.parts.signatureAlgorithmOid,
    key: spkiFacts(c.parts.spki) ?? keyFacts(spkiKey(c.parts.spki)),
    fingerprint: sha256(der),
    // self-issued (same name) and its own key verifies the signature: X509Certificate.verify(publicKey)
    selfSigned: subject.text === issuer.text && signatureVerifies(der, spkiKey(c.parts.spki)),
  };
  if (subject.cn !== undefined) facts.commonName = subject.cn;
  if (c.subjectKeyId) facts.subjectKeyId = c.subjectKeyId;
  if (c.authorityKeyId) facts.authorityKeyId = c.authorityKeyId;
  DER_OF_FACTS.set(facts, der);
  return facts;
}

function nodeSans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/^IP Address:/, 'IP:'));
}

export interface PemFacts {
  certificates: CertificateFacts[];
  privateKey?: KeyFacts;
  publicKey?: KeyFacts;
  errors: PemError[];
}

/** Everything a PEM text holds: certificates, a private key (facts only), a public key, and what did not parse. */
export function pemFacts(text: string): PemFacts {
  const { blocks, errors } = pemBlocks(text);
  const out: PemFacts = { certificates: [], errors };
  for (const b of blocks) {
    try {
      if (b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE') {
        out.certificates.push(certificateFactsOfDer(blockDer(b)));
      } else if (b.label.endsWith('PRIVATE KEY')) {
        out.privateKey ??= privateKeyFromBlock(b);
      } else if (b.label === 'PUBLIC KEY') {
        out.publicKey ??= publicKeyFromBlock(b);
      } else if (b.label === 'RSA PUBLIC KEY') {
        out.publicKey ??= keyFacts(createPublicKey(b.text));
      }
    } catch (e) {
      errors.push({ message: `${b.label} at line ${b.line} does not parse: ${(e as Error).message}`, line: b.line });
    }
  }
  return out;
}

function publicKeyFromBlock(b: PemBlock): KeyFacts {
  return spkiFacts(blockDer(b)) ?? keyFacts(createPublicKey(b.text));
}

function privateKeyFromBlock(b: PemBlock): KeyFacts {
  const encrypted = b.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(b.text);
  if (encrypted) return { type: b.label.startsWith('RSA') ? 'rsa' : b.label.startsWith('EC') ? 'ec' : 'unknown', publicKeyFingerprint: '', encrypted: true };
  const read = spkiFacts(privateKeySpki(blockDer(b), b.label));
  if (read) return { ...read, encrypted: false };
  return { ...keyFacts(createPublicKey(createPrivateKey(b.text))), encrypted: false };
}

/** Facts of every certificate in a PEM text (those that parse). */
export function certificateFacts(pem: string): CertificateFacts[] {
  return pemFacts(pem).certificates;
}

/** Facts of the first private key in a PEM text: type, size, public-key fingerprint; never the key. */
export function privateKeyFacts(pem: string): KeyFacts | undefined {
  return pemFacts(pem).privateKey;
}
