/**
 * Client certificates the etcd probes present, made in memory for one run and never written:
 * one from a throwaway CA nobody trusts, and one signed by the cluster CA (when its key is at hand),
 * which proves or disproves that etcd trusts a CA separate from the cluster's.
 */
import { leafExtensions, caExtensions } from '../pki/init.js';
import { certificatePem, generateKeyPair, importKeyPair, issueCertificate, x509, type Signer } from '../pki/x509.js';

export interface ClientCredential {
  cert: string;
  key: string;
  /** what it is, for the probe table ("throwaway CA", "cluster CA CN=kubernetes") */
  label: string;
}

const HOUR = 60 * 60 * 1000;
const PROBE_CN = 'kubeward-probe';

async function leaf(signer: Signer, label: string): Promise<ClientCredential> {
  const key = await generateKeyPair('ecdsa-p256');
  const now = Date.now();
  const cert = await issueCertificate({
    subject: [{ CN: [PROBE_CN] }],
    publicKey: key.publicKey,
    signer,
    notBefore: new Date(now - 5 * 60 * 1000),
    notAfter: new Date(now + HOUR),
    extensions: leafExtensions({ ekus: ['clientAuth'], sans: [] }, key),
  });
  return { cert: certificatePem(cert), key: key.privatePem, label };
}

/** A client certificate from a CA made up on the spot: no etcd should accept it. */
export async function foreignClientCredential(): Promise<ClientCredential> {
  const caKey = await generateKeyPair('ecdsa-p256');
  const now = Date.now();
  const certificate = await issueCertificate({
    subject: [{ CN: ['kubeward-throwaway-ca'] }],
    publicKey: caKey.publicKey,
    selfKey: caKey,
    notBefore: new Date(now - 5 * 60 * 1000),
    notAfter: new Date(now + HOUR),
    extensions: caExtensions(),
  });
  return leaf({ certificate, key: caKey }, 'a throwaway CA');
}

/** A client certificate signed by the given CA (PEM certificate and key, e.g. /etc/kubernetes/pki/ca.{crt,key}). */
export async function clientCredentialSignedBy(caCertPem: string, caKeyPem: string): Promise<ClientCredential> {
  const certificate = new x509.X509Certificate(caCertPem);
  const key = await importKeyPair(caKeyPem);
  return leaf({ certificate, key }, `the cluster CA (${certificate.subject})`);
}
