/**
 * Certificate signature checks on DER, without building an X509Certificate per certificate
 * (which costs more than the check itself across thousands of files): the TBSCertificate bytes,
 * the signature algorithm and the signature value (RFC 5280 §4.1.1) go straight to crypto.verify,
 * with the issuer's public key imported once. RSA-PSS and unknown algorithms fall back to
 * node:crypto's X509Certificate.verify.
 */
import { X509Certificate, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { childrenOf, oidText, readTlv } from '../sources/der.js';

/** signature algorithm OID → digest for crypto.verify (null: the algorithm hashes itself) */
const DIGESTS: Record<string, string | null> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

interface Parts {
  tbs: Uint8Array;
  algorithm: string;
  signature: Uint8Array;
  spki: Uint8Array;
}

function parts(der: Uint8Array): Parts {
  const cert = readTlv(der, 0);
  const [tbs, sigAlg, sig] = childrenOf(der, cert);
  if (!tbs || !sigAlg || !sig) throw new Error('DER: not a certificate');
  const alg = childrenOf(der, sigAlg)[0];
  // TBSCertificate: [0] version (optional), serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
  const fields = childrenOf(der, tbs);
  const at = fields[0]?.tag === 0xa0 ? 6 : 5;
  const spki = fields[at];
  const before = fields[at - 1];
  if (!alg || !spki || !before) throw new Error('DER: not a certificate');
  return {
    // children are contiguous: a TLV's header starts where its predecessor ends (the TBS where the certificate's content starts)
    tbs: der.subarray(cert.start, tbs.end),
    algorithm: oidText(der, alg),
    // BIT STRING: the first content byte counts unused bits (0 for signatures)
    signature: der.subarray(sig.start + 1, sig.end),
    spki: der.subarray(before.end, spki.end),
  };
}

/** Verifies signatures of certificates by issuers; caches each issuer's public key. */
export function signatureVerifier(): (cert: Uint8Array, issuer: Uint8Array) => boolean {
  const keys = new WeakMap<Uint8Array, KeyObject>();
  return (cert, issuer) => {
    try {
      const c = parts(cert);
      const digest = DIGESTS[c.algorithm];
      let key = keys.get(issuer);
      if (!key) {
        key = createPublicKey({ key: Buffer.from(parts(issuer).spki), format: 'der', type: 'spki' });
        keys.set(issuer, key);
      }
      if (digest === undefined) return new X509Certificate(cert).verify(key);
      return verify(digest, c.tbs, key, c.signature);
    } catch {
      return false;
    }
  };
}
