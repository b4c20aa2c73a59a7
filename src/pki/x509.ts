/**
 * Key generation, key import and certificate issuing on @peculiar/x509 (WebCrypto), with
 * node:crypto for key-format conversion. Key material stays inside the calls that need it.
 */
import 'reflect-metadata'; // @peculiar/x509 2.x uses tsyringe, which needs the polyfill before it loads
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };

export const KEY_TYPES = ['ecdsa-p256', 'rsa-2048', 'rsa-3072'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** A private key usable for signing, with its public half and the PEM to write (kubeadm's format). */
export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1), as kubeadm writes them (client-go util/keyutil) */
  privatePem: string;
  /** "PUBLIC KEY" (PKIX), as kubeadm writes sa.pub */
  publicPem: string;
  /** the signature algorithm certificates signed by this key use */
  signingAlgorithm: RsaHashedImportParams | EcdsaParams;
}

function algorithmFor(key: KeyObject): RsaHashedImportParams | EcKeyImportParams {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (t === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const named = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (!named) throw new Error(`unsupported EC curve ${curve ?? '(unknown)'}`);
    return { name: 'ECDSA', namedCurve: named };
  }
  throw new Error(`unsupported key type ${t ?? '(unknown)'}: kubeward signs with RSA or ECDSA keys`);
}

function signingAlgorithmFor(alg: RsaHashedImportParams | EcKeyImportParams): RsaHashedImportParams | EcdsaParams {
  if (alg.name === 'ECDSA') {
    const curve = (alg as EcKeyImportParams).namedCurve;
    return { name: 'ECDSA', hash: curve === 'P-384' ? 'SHA-384' : curve === 'P-521' ? 'SHA-512' : 'SHA-256' };
  }
  return alg as RsaHashedImportParams;
}

/**
 * A key from a PEM file in any of PKCS#1, SEC1 or PKCS#8: WebCrypto imports only PKCS#8, so the key
 * goes through node:crypto first (deps.md §3).
 */
export async function importKeyPair(pem: string): Promise<KeyPair> {
  const key = createPrivateKey(pem);
  const alg = algorithmFor(key);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const pub = createPublicKey(key);
  const spki = pub.export({ type: 'spki', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']);
  return {
    privateKey,
    publicKey,
    privatePem: key.export({ type: key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }).toString(),
    publicPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    signingAlgorithm: signingAlgorithmFor(alg),
  };
}

/** A fresh key pair of the given type. */
export async function generateKeyPair(type: KeyType): Promise<KeyPair> {
  const params: RsaHashedKeyGenParams | EcKeyGenParams =
    type === 'ecdsa-p256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSASSA-PKCS1-v1_5', modulusLength: type === 'rsa-3072' ? 3072 : 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const pair = await webcrypto.subtle.generateKey(params, true, ['sign', 'verify']);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  return importKeyPair(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString());
}

/** A CA that can sign: its certificate and key. */
export interface Signer {
  certificate: x509.X509Certificate;
  key: KeyPair;
}

export interface IssueRequest {
  /** subject, e.g. [{ CN: ['kube-apiserver'] }, { O: ['kubeadm:cluster-admins'] }], or a Name copied from an old certificate */
  subject: x509.JsonName | x509.Name;
  publicKey: CryptoKey;
  /** undefined: self-signed with `selfKey` */
  signer?: Signer;
  selfKey?: KeyPair;
  notBefore: Date;
  notAfter: Date;
  /** the extensions besides AKI/SKI (basic constraints, key usage, EKU, SANs) */
  extensions: x509.Extension[];
}

/** A positive random 128-bit serial (RFC 5280 4.1.2.2: at most 20 octets, positive). */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

export async function issueCertificate(req: IssueRequest): Promise<x509.X509Certificate> {
  const signingKey = req.signer?.key ?? req.selfKey;
  if (!signingKey) throw new Error('issueCertificate: neither a signer nor a key to self-sign with');
  const subject = req.subject instanceof x509.Name ? req.subject : new x509.Name(req.subject);
  const issuerName = req.signer ? req.signer.certificate.subjectName : subject;
  const extensions = [
    ...req.extensions,
    await x509.SubjectKeyIdentifierExtension.create(req.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(req.signer ? req.signer.key.publicKey : req.publicKey),
  ];
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subject,
    issuer: issuerName,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    publicKey: req.publicKey,
    signingKey: signingKey.privateKey,
    signingAlgorithm: signingKey.signingAlgorithm,
    extensions,
  });
}

/** "DNS:name" / "IP:addr" entries → a SAN extension (undefined when empty). */
export function sanExtension(sans: readonly string[]): x509.SubjectAlternativeNameExtension | undefined {
  if (sans.length === 0) return undefined;
  return new x509.SubjectAlternativeNameExtension(
    sans.map((s) => {
      const [kind, ...rest] = s.split(':');
      const value = rest.join(':');
      if (kind === 'IP') return { type: 'ip' as const, value };
      if (kind === 'DNS') return { type: 'dns' as const, value };
      throw new Error(`SAN "${s}" is neither DNS:... nor IP:...`);
    }),
  );
}

/** "DNS:x" for a host name, "IP:x" for an IPv4/IPv6 literal. */
export function sanFor(value: string): string {
  return isIP(value) ? `IP:${value}` : `DNS:${value}`;
}

export function certificatePem(c: x509.X509Certificate): string {
  return `${c.toString('pem')}\n`;
}
