import { defineCheck } from '../registry.js';
import type { CertificateFacts } from '../../model/control-plane.js';
import { componentsOf, evidenceFor, fileFor, flag, hostOf, isTrue } from '../../model/effective.js';

/** API server CAs that sign certificates for clients other than the API server itself. */
const CLUSTER_CAS = [
  { flag: 'client-ca-file', what: 'the cluster client CA (kubelets, controllers, users)' },
  { flag: 'requestheader-client-ca-file', what: 'the front-proxy CA' },
] as const;

/** The same CA by content: identical certificate, or a re-issued certificate for the same key (which signs the same clients). */
function sameCa(a: CertificateFacts, b: CertificateFacts): boolean {
  return a.fingerprint === b.fingerprint || a.key.publicKeyFingerprint === b.key.publicKeyFingerprint;
}

export default defineCheck({
  id: 'etcd/trusted-ca',
  practice: 'etcd',
  severity: 'high',
  cis: ['2.7'],
  title: 'etcd trusts a CA that also signs cluster clients',
  why: 'etcd accepts every client certificate signed by --trusted-ca-file. If that CA is the cluster CA (or the front-proxy CA), every kubelet, controller and user certificate in the cluster is also a full-access etcd credential. CIS 2.7 asks for a CA dedicated to etcd; comparing file paths (as Kubescape does) misses a copy of the same CA under another name, so kubeward compares certificates and keys.',
  remediation: 'Create a separate etcd CA (kubeadm does: /etc/kubernetes/pki/etcd/ca.crt), issue etcd server, peer and the API server\'s etcd client certificates from it, and point --trusted-ca-file at it.',
  references: ['https://kubernetes.io/docs/setup/best-practices/certificates/#single-root-ca', 'https://etcd.io/docs/v3.6/op-guide/security/'],
  reads: 'etcd --trusted-ca-file and the certificates in it; kube-apiserver --client-ca-file and --requestheader-client-ca-file certificates on every host (fingerprints)',
  run(cp, report) {
    const apiservers = componentsOf(cp, 'kube-apiserver');
    for (const c of componentsOf(cp, 'etcd')) {
      const host = hostOf(cp, c);
      const trusted = flag(cp, c, 'trusted-ca-file');
      if (!trusted.value) {
        if (isTrue(flag(cp, c, 'client-cert-auth'))) report({ component: c, host, evidence: evidenceFor(c, trusted), detail: '--client-cert-auth is on but no --trusted-ca-file: etcd falls back to the host\'s system roots' });
        continue;
      }
      const etcdCas = fileFor(host, c, trusted)?.certificates ?? [];
      for (const ca of CLUSTER_CAS) {
        const sharedWith: string[] = [];
        let shared: CertificateFacts | undefined;
        for (const a of apiservers) {
          const certs = fileFor(hostOf(cp, a), a, flag(cp, a, ca.flag))?.certificates ?? [];
          const match = etcdCas.find((x) => certs.some((y) => sameCa(x, y)));
          if (match) {
            shared = match;
            sharedWith.push(a.host);
          }
        }
        if (shared) {
          report({ component: c, host, evidence: evidenceFor(c, trusted), detail: `${trusted.value} holds ${shared.subject} (sha256 ${shared.fingerprint.slice(0, 16)}…), which is ${ca.what}: kube-apiserver --${ca.flag} on ${[...new Set(sharedWith)].join(', ')}` });
        }
      }
    }
  },
});
