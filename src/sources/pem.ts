/**
 * Facts about PEM certificates and keys, read with node:crypto (fast to load) plus der.ts for what
 * X509Certificate does not expose. Key material never leaves these functions: a key becomes its type,
 * size and the sha256 of its public half.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateFacts, KeyFacts } from '../model/control-plane.js';
import { certificateSpki, privateKeySpki, readCertificateDer, readSpki } from './der.js';

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/** RFC 5280 §4.2.1.3 bit order. */
const KEY_USAGES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

const EXT_KEY_USAGES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
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
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1]!;
    const line = text.slice(0, m.index).split('\n').length;
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

function spkiFingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Key facts read from SubjectPublicKeyInfo DER (no KeyObject: cheaper), when der.ts knows the algorithm. */
function spkiFacts(spki: Uint8Array | undefined): Omit<KeyFacts, 'encrypted'> | undefined {
  const info = spki ? readSpki(spki) : undefined;
  if (!info) return undefined;
  const facts: Omit<KeyFacts, 'encrypted'> = { type: info.type, publicKeyFingerprint: createHash('sha256').update(info.spki).digest('hex') };
  if (info.bits !== undefined) facts.bits = info.bits;
  if (info.curve !== undefined) facts.curve = info.curve;
  return facts;
}

/** The DER inside a PEM block without headers (encrypted legacy keys have "Proc-Type:" headers). */
function blockDer(b: PemBlock): Buffer {
  const body = b.text.split('\n').slice(1, -1).filter((l) => !l.includes(':'));
  return Buffer.from(body.join(''), 'base64');
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

/** "CN=a\nO=b" (node:crypto) → "CN=a, O=b", with the CN and O values. */
function nameParts(name: string): { text: string; cn?: string; o: string[] } {
  const lines = name.split('\n').filter((l) => l.length > 0);
  const value = (l: string): string => l.slice(l.indexOf('=') + 1);
  const cn = lines.find((l) => l.startsWith('CN='));
  const out: { text: string; cn?: string; o: string[] } = { text: lines.join(', '), o: lines.filter((l) => l.startsWith('O=')).map(value) };
  if (cn) out.cn = value(cn);
  return out;
}

function isoDate(openssl: string): string {
  const d = new Date(openssl);
  return Number.isNaN(d.getTime()) ? openssl : d.toISOString();
}

/** Facts of one certificate (PEM block or DER). Throws when it does not parse. */
export function oneCertificateFacts(cert: X509Certificate): CertificateFacts {
  const der = readCertificateDer(cert.raw);
  const subject = nameParts(cert.subject);
  const issuer = nameParts(cert.issuer);
  let selfSigned = false;
  if (cert.subject === cert.issuer) {
    try {
      selfSigned = cert.verify(cert.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  const facts: CertificateFacts = {
    subject: subject.text,
    organizations: subject.o,
    issuer: issuer.text,
    serial: cert.serialNumber.toLowerCase(),
    notBefore: isoDate(cert.validFrom),
    notAfter: isoDate(cert.validTo),
    isCA: cert.ca,
    sans: (cert.subjectAltName ?? '')
      .split(', ')
      .filter((s) => s.length > 0)
      .map((s) => s.replace(/^IP Address:/, 'IP:')),
    keyUsage: der.keyUsageBits.map((b) => KEY_USAGES[b] ?? `bit${b}`),
    extKeyUsage: der.extKeyUsageOids.map((o) => EXT_KEY_USAGES[o] ?? o),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[der.signatureAlgorithmOid] ?? der.signatureAlgorithmOid,
    key: spkiFacts(certificateSpki(cert.raw)) ?? keyFacts(cert.publicKey),
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    selfSigned,
  };
  if (subject.cn !== undefined) facts.commonName = subject.cn;
  if (der.subjectKeyId) facts.subjectKeyId = der.subjectKeyId;
  if (der.authorityKeyId) facts.authorityKeyId = der.authorityKeyId;
  return facts;
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
        out.certificates.push(oneCertificateFacts(new X509Certificate(b.text)));
      } else if (b.label.endsWith('PRIVATE KEY')) {
        out.privateKey ??= privateKeyFromBlock(b);
      } else if (b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY') {
        out.publicKey ??= keyFacts(createPublicKey(b.text));
      }
    } catch (e) {
      errors.push({ message: `${b.label} at line ${b.line} does not parse: ${(e as Error).message}`, line: b.line });
    }
  }
  return out;
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
