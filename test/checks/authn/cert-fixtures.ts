/** Certificate facts as the PEM reader records them, for the certificate checks. */
import type { CertificateFacts } from '../../../src/model/control-plane.js';

export function cert(o: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: 'CN=kubernetes-admin,O=system:masters',
    commonName: 'kubernetes-admin',
    organizations: ['system:masters'],
    issuer: 'CN=kubernetes',
    serial: '01',
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    isCA: false,
    sans: [],
    keyUsage: ['digitalSignature'],
    extKeyUsage: ['clientAuth'],
    signatureAlgorithm: 'sha256WithRSAEncryption',
    key: { type: 'rsa', bits: 2048, publicKeyFingerprint: 'pk-leaf' },
    fingerprint: 'fp-leaf',
    authorityKeyId: 'ski-cluster-ca',
    selfSigned: false,
    ...o,
  };
}

export function ca(name: string, o: Partial<CertificateFacts> = {}): CertificateFacts {
  return cert({ subject: `CN=${name}`, commonName: name, organizations: [], issuer: `CN=${name}`, isCA: true, selfSigned: true, keyUsage: ['keyCertSign'], extKeyUsage: [], subjectKeyId: `ski-${name}`, authorityKeyId: `ski-${name}`, fingerprint: `fp-${name}`, key: { type: 'rsa', bits: 2048, publicKeyFingerprint: `pk-${name}` }, ...o });
}
