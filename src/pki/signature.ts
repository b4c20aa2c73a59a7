/**
 * Certificate signature checks on DER across an inventory: the check itself is pem.ts's
 * signatureVerifies (crypto.verify over the TBSCertificate, no X509Certificate per certificate);
 * each issuer's public key is imported once.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { certificateParts } from '../sources/der.js';
import { signatureVerifies } from '../sources/pem.js';

/** Verifies signatures of certificates by issuers; caches each issuer's public key. */
export function signatureVerifier(): (cert: Uint8Array, issuer: Uint8Array) => boolean {
  const keys = new WeakMap<Uint8Array, KeyObject>();
  return (cert, issuer) => {
    try {
      let key = keys.get(issuer);
      if (!key) {
        key = createPublicKey({ key: Buffer.from(certificateParts(issuer).spki), format: 'der', type: 'spki' });
        keys.set(issuer, key);
      }
      return signatureVerifies(cert, key);
    } catch {
      return false;
    }
  };
}
