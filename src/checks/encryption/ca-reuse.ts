import { defineCheck } from '../registry.js';
import type { CertificateFacts } from '../../model/control-plane.js';
import { componentsOf, evidenceFor, fileFor, flag, hostOf } from '../../model/effective.js';

/** Issued by `ca`: authority key id against subject key id where both exist, else the issuer name. */
function issuedBy(cert: CertificateFacts, ca: CertificateFacts): boolean {
  return cert.authorityKeyId && ca.subjectKeyId ? cert.authorityKeyId === ca.subjectKeyId : cert.issuer === ca.subject;
}

const ETCD_CERTS = [
  { flag: 'cert-file', what: 'serving' },
  { flag: 'peer-cert-file', what: 'peer' },
] as const;

export default defineCheck({
  id: 'encryption/ca-reuse',
  practice: 'encryption',
  severity: 'medium',
  cis: [],
  title: 'etcd certificates are issued by the cluster CA',
  why: 'When the cluster CA also issues etcd\'s serving and peer certificates, one key (on every control-plane node, and used by the controller manager to sign kubelet CSRs) vouches for both: a certificate the cluster CA issues for an etcd name can impersonate etcd to the API server and to its peers, and rotating either PKI means rotating both. etcd should have its own CA.',
  remediation: 'Create a dedicated etcd CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt) and re-issue etcd serving, peer and client certificates from it (`kubeward pki init` lays this out).',
  references: ['https://kubernetes.io/docs/setup/best-practices/certificates/#all-certificates'],
  reads: 'etcd --cert-file and --peer-cert-file certificates (issuer), kube-apiserver --client-ca-file certificates on every host',
  run(cp, report) {
    const clusterCas = componentsOf(cp, 'kube-apiserver').flatMap((c) => fileFor(hostOf(cp, c), c, flag(cp, c, 'client-ca-file'))?.certificates ?? []).filter((x) => x.isCA);
    if (clusterCas.length === 0) return;
    for (const c of componentsOf(cp, 'etcd')) {
      const host = hostOf(cp, c);
      for (const cert of ETCD_CERTS) {
        const e = flag(cp, c, cert.flag);
        const leaf = fileFor(host, c, e)?.certificates?.[0];
        const ca = leaf && clusterCas.find((x) => issuedBy(leaf, x));
        if (ca) report({ component: c, host, evidence: evidenceFor(c, e), detail: `etcd ${cert.what} certificate ${leaf.subject} is issued by the cluster CA ${ca.subject}` });
      }
    }
  },
});
