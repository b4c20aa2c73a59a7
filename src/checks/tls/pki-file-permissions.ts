import { defineCheck } from '../registry.js';
import type { NodeFile } from '../../model/control-plane.js';
import { DOCS } from './common.js';
import { reportFile, type FileRule } from './permissions.js';

/** kubeadm's PKI directory (kube-bench hard-codes it too). */
const PKI_DIR = 'etc/kubernetes/pki';

/** Private keys ≤0600 (CIS 1.1.21), certificates and public keys ≤0644 (1.1.20), everything root:root (1.1.19). Keys read anywhere else on the node count too. */
function ruleFor(file: NodeFile): FileRule | undefined {
  const inPki = file.path === PKI_DIR || file.path.startsWith(`${PKI_DIR}/`);
  const owner = inPki ? '1.1.19' : undefined;
  const isKey = file.privateKey !== undefined || /\.key$/.test(file.path);
  if (isKey) return { what: 'private key', maxMode: 0o600, cis: { ...(inPki ? { mode: '1.1.21' } : {}), ...(owner ? { owner } : {}) } };
  if (!inPki) return undefined;
  if (file.type === 'directory') return { what: 'PKI directory', maxMode: 0o755, cis: { owner: '1.1.19' } };
  const isPublic = (file.certificates?.length ?? 0) > 0 || /\.(crt|pem|pub)$/.test(file.path);
  return { what: isPublic ? 'certificate' : 'PKI file', maxMode: isPublic ? 0o644 : 0o600, cis: { ...(isPublic ? { mode: '1.1.20' } : {}), owner: '1.1.19' } };
}

export default defineCheck({
  id: 'tls/pki-file-permissions',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.1.19', '1.1.20', '1.1.21'],
  title: 'PKI file is readable or writable by others, or not owned by root',
  why: 'The PKI directory holds the cluster CA, etcd CA and front-proxy CA keys and the service-account signing key: whoever reads a CA key can mint certificates for any identity, system:masters included, and whoever writes a certificate can swap in their own CA. Certificates may be world-readable, keys may not.',
  remediation: 'chown -R root:root /etc/kubernetes/pki/; chmod 600 /etc/kubernetes/pki/*.key /etc/kubernetes/pki/etcd/*.key; chmod 644 (or stricter) /etc/kubernetes/pki/*.crt /etc/kubernetes/pki/etcd/*.crt; chmod 600 every other private key (e.g. /var/lib/kubelet/pki/*.key).',
  references: [DOCS.certificates, DOCS.kubeadmCerts],
  reads: 'mode and owner of every file read under /etc/kubernetes/pki and of every private key file read elsewhere',
  run(cp, report) {
    for (const host of cp.hosts) {
      for (const file of Object.values(host.files).sort((a, b) => a.path.localeCompare(b.path))) {
        const rule = ruleFor(file);
        if (rule) reportFile(report, file.path.split('/').at(-1) ?? file.path, host, file, rule);
      }
    }
  },
});
