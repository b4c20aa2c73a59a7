import { defineCheck } from '../registry.js';
import type { CertificateFacts, ControlPlane } from '../../model/control-plane.js';
import { componentsOf, evidenceForFile, fileFor, flag, hostOf } from '../../model/effective.js';

const MASTERS = 'system:masters';

/** kubeadm's administrator pair: super-admin.conf is the intended break-glass system:masters credential (1.29+), admin.conf was one before. */
const KUBEADM_ADMIN = ['etc/kubernetes/admin.conf', 'etc/kubernetes/super-admin.conf'];

/** Component credentials older kubeadm issued in system:masters: not given to people, but cluster-admin on disk. */
const KUBEADM_COMPONENT = 'etc/kubernetes/pki/apiserver-kubelet-client.crt';

/** Subject key ids and subjects of every API server client CA, to tell which certificates the API server accepts at all. */
function clientCas(cp: ControlPlane): CertificateFacts[] {
  return componentsOf(cp, 'kube-apiserver').flatMap((c) => fileFor(hostOf(cp, c), c, flag(cp, c, 'client-ca-file'))?.certificates ?? []);
}

/** Signed by one of the client CAs (authority key id, else issuer name); true when no client CA is known (cannot rule it out). */
function acceptedBy(cert: CertificateFacts, cas: CertificateFacts[]): boolean {
  if (cas.length === 0) return true;
  return cas.some((ca) => (cert.authorityKeyId && ca.subjectKeyId ? cert.authorityKeyId === ca.subjectKeyId : cert.issuer === ca.subject));
}

function describe(cert: CertificateFacts): string {
  return `CN=${cert.commonName ?? '?'}, O=${cert.organizations.join('+')}, expires ${cert.notAfter.slice(0, 10)}`;
}

export default defineCheck({
  id: 'authn/system-masters-certs',
  practice: 'authn',
  severity: 'high',
  cis: ['3.1.1', '5.1.7'],
  title: 'Client certificate in system:masters outside the kubeadm break-glass pair',
  why: 'A client certificate with O=system:masters is cluster-admin that RBAC cannot restrict (the group is allowed before any authorizer runs) and that cannot be revoked: it stays valid until it expires, usually a year, even after the person leaves. People should authenticate through an identity provider and get rights through RBAC bindings that can be removed.',
  remediation: 'Issue people certificates in an ordinary group bound by RBAC (kubeadm ≥ 1.29 uses kubeadm:cluster-admins for admin.conf), or better move them to OIDC; keep super-admin.conf offline; rotate the CA if a system:masters certificate leaked.',
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege', 'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#normal-user'],
  reads: 'client certificates in kubeconfig files and PEM files on every host (subject O), the API server --client-ca-file',
  run(cp, report) {
    const cas = clientCas(cp);
    for (const host of cp.hosts) {
      const files = Object.values(host.files).filter((f) => f.exists && !KUBEADM_ADMIN.includes(f.path));
      // A kubeconfig that names a certificate file and the file itself hold one credential: report it once.
      const seen = new Set<string>();
      for (const file of files) {
        for (const user of file.kubeconfig?.users ?? []) {
          for (const cert of user.clientCertificates) {
            if (!cert.organizations.includes(MASTERS) || !acceptedBy(cert, cas) || seen.has(cert.fingerprint)) continue;
            seen.add(cert.fingerprint);
            report({ component: file.path.split('/').at(-1) ?? file.path, host, evidence: evidenceForFile(file, { line: user.line ?? null, field: `users.${user.name}.client-certificate`, value: `O=${cert.organizations.join('+')}` }), detail: `kubeconfig user ${user.name}: ${describe(cert)}` });
          }
        }
      }
      for (const file of files) {
        for (const cert of file.certificates ?? []) {
          if (cert.isCA || !cert.organizations.includes(MASTERS) || !acceptedBy(cert, cas) || seen.has(cert.fingerprint)) continue;
          seen.add(cert.fingerprint);
          const component = file.path === KUBEADM_COMPONENT;
          report({
            component: file.path.split('/').at(-1) ?? file.path,
            host,
            severity: component ? 'low' : 'high',
            evidence: evidenceForFile(file, { value: `O=${cert.organizations.join('+')}` }),
            detail: component ? `${describe(cert)}: the API server's own kubelet client identity from older kubeadm; not a person's credential, but cluster-admin on disk (newer kubeadm issues it in kubeadm:cluster-admins)` : describe(cert),
          });
        }
      }
    }
  },
});
