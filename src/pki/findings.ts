/** Findings over the certificate inventory, in the standard Finding shape (ids pki/...). Pure. */
import { toFinding, type CheckMeta, type Report } from '../checks/registry.js';
import { compareFindings, emptyEvidence, type Finding, type Practice } from '../model/finding.js';
import { daysLeft, type InventoryItem } from './inventory.js';

const REFS = {
  pki: 'https://kubernetes.io/docs/setup/best-practices/certificates/',
  renew: 'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/',
  etcd: 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
  masters: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
};

const META = {
  expired: {
    id: 'pki/expired',
    practice: 'tls',
    severity: 'critical',
    cis: [],
    title: 'Certificate has expired',
    why: 'Peers reject an expired certificate: the component that presents it can no longer serve or authenticate, and a CA that expired invalidates everything it signed.',
    remediation: 'Reissue it from its CA (kubeward pki renew --pki-dir DIR --only NAME, or kubeadm certs renew) and restart the component that uses it; for an expired CA, rotate the CA and every certificate it signed.',
    references: [REFS.renew],
  },
  expiring: {
    id: 'pki/expiring',
    practice: 'tls',
    severity: 'high',
    cis: [],
    title: 'Certificate expires soon',
    why: 'When it expires the component that presents it stops working (control-plane outages after one year are the classic kubeadm failure); renewal needs a restart, so it has to be planned.',
    remediation: 'Renew it before it expires (kubeward pki renew --pki-dir DIR --only NAME) and restart its component; enable kubelet certificate rotation (rotateCertificates: true) for kubelet client certificates.',
    references: [REFS.renew],
  },
  weakKey: {
    id: 'pki/weak-key',
    practice: 'tls',
    severity: 'high',
    cis: [],
    title: 'Certificate has a weak key',
    why: 'RSA keys under 2048 bits (and EC keys under 256 bits) can be factored or broken with affordable effort; whoever does it can impersonate the component or, for a CA, mint any identity.',
    remediation: 'Reissue it with an ECDSA P-256 or RSA 2048+ key (kubeward pki renew --new-key; for a CA, a new CA and its certificates).',
    references: [REFS.pki, 'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final'],
  },
  sha1: {
    id: 'pki/sha1-signature',
    practice: 'tls',
    severity: 'high',
    cis: [],
    title: 'Certificate is signed with SHA-1 (or MD5)',
    why: 'SHA-1 collisions are practical (SHAttered, 2017): a signature over SHA-1 no longer proves the CA signed this content. Go, and so Kubernetes since 1.24 (Go 1.18), rejects SHA-1 signed certificates outright.',
    remediation: 'Reissue it with a SHA-256 signature (kubeward pki renew reissues with SHA-256).',
    references: ['https://go.dev/doc/go1.18#sha1', REFS.pki],
  },
  sharedEtcdCa: {
    id: 'pki/shared-etcd-ca',
    practice: 'etcd',
    severity: 'high',
    cis: ['2.7'],
    title: 'etcd trusts the same CA as the Kubernetes cluster',
    why: 'etcd admits any client certificate its trusted CA signed. When that CA also signs the cluster\'s client certificates (kubelets, controller-manager, admins), every one of them can read and write etcd directly, bypassing RBAC, admission and audit: root on the cluster.',
    remediation: 'Give etcd its own CA (kubeadm: pki/etcd/ca.crt; kubeward pki init creates one) for --trusted-ca-file and --peer-trusted-ca-file, and issue the apiserver\'s etcd client certificate from it.',
    references: [REFS.etcd],
  },
  keyMismatch: {
    id: 'pki/key-mismatch',
    practice: 'tls',
    severity: 'high',
    cis: [],
    title: 'Private key does not match its certificate',
    why: 'A component configured with a certificate and a key of different key pairs fails its TLS handshakes (or does not start); it is usually a half-done renewal or rotation.',
    remediation: 'Put back the key the certificate was issued for, or reissue the certificate for the key in place (kubeward pki renew --new-key issues both).',
    references: [REFS.pki],
  },
  masters: {
    id: 'pki/system-masters-client',
    practice: 'authn',
    severity: 'high',
    cis: [],
    title: 'Client certificate in the system:masters group',
    why: 'system:masters bypasses RBAC and every authorization webhook, and a client certificate cannot be revoked: whoever holds it stays cluster-admin until it expires.',
    remediation: 'Issue admin certificates in a group bound to cluster-admin by a ClusterRoleBinding (kubeadm 1.29+: kubeadm:cluster-admins), keep a system:masters break-glass certificate (super-admin.conf) offline, and prefer OIDC for people.',
    references: [REFS.masters, 'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#normal-user'],
  },
  badSignature: {
    id: 'pki/bad-signature',
    practice: 'tls',
    severity: 'medium',
    cis: [],
    title: 'Certificate does not verify against the CA that carries its issuer name',
    why: 'A CA with the issuer\'s name is present but did not sign this certificate: the CA was replaced without reissuing its certificates (or two CAs share a name), so peers that trust the CA on disk reject it.',
    remediation: 'Reissue the certificate from the CA in place (kubeward pki renew), or restore the CA that signed it.',
    references: [REFS.pki],
  },
} satisfies Record<string, CheckMeta>;

export interface FindingOptions {
  /** ms since the epoch to judge expiry against */
  now: number;
  warnDays: number;
}

const WEAK_SIGNATURE = /sha1|md5/i;
const ETCD_TRUST = ['etcd --trusted-ca-file', 'etcd --peer-trusted-ca-file'];
const CLUSTER_TRUST = ['kube-apiserver --client-ca-file', 'kubelet --client-ca-file', 'kubelet authentication.x509.clientCAFile', 'kube-controller-manager --cluster-signing-cert-file'];

function practiceOf(it: InventoryItem): Practice {
  return it.usedBy.some((u) => u.startsWith('etcd ')) || /(^|\/)etcd\//.test(it.location) ? 'etcd' : 'tls';
}

function componentOf(it: InventoryItem): string {
  return it.usedBy[0]?.split(' ')[0] ?? 'pki';
}

function about(it: InventoryItem, field: string, value: string | null): Pick<Report, 'component' | 'host' | 'evidence'> {
  const evidence = it.object ? { ...emptyEvidence('api'), object: it.object, field, value } : { ...emptyEvidence('file'), file: it.file, line: it.line, field, value };
  return { component: componentOf(it), host: it.host, evidence };
}

function name(it: InventoryItem): string {
  return `${it.location}${it.index > 0 ? ` #${it.index + 1}` : ''} (${it.cert.subject || 'no subject'})`;
}

function isClientCert(it: InventoryItem): boolean {
  const eku = it.cert.extKeyUsage;
  return !it.cert.isCA && (eku.length === 0 || eku.includes('clientAuth') || eku.includes('anyExtendedKeyUsage'));
}

/** Findings for an inventory (each certificate judged once per location; a CA shared with etcd once per host). */
export function inventoryFindings(items: readonly InventoryItem[], o: FindingOptions): Finding[] {
  const out: Finding[] = [];
  const emit = (meta: CheckMeta, r: Report): void => {
    out.push(toFinding(meta, r));
  };
  for (const it of items) {
    const c = it.cert;
    const days = daysLeft(c, o.now);
    const practice = practiceOf(it);
    if (Date.parse(c.notAfter) <= o.now) {
      emit(META.expired, { ...about(it, 'notAfter', c.notAfter), practice, detail: `${name(it)} expired on ${c.notAfter}` });
    } else if (days < o.warnDays) {
      emit(META.expiring, { ...about(it, 'notAfter', c.notAfter), practice, detail: `${name(it)} expires in ${days} days (${c.notAfter})` });
    }
    const bits = c.key.bits ?? 0;
    if ((c.key.type === 'rsa' && bits < 2048) || (c.key.type === 'ec' && bits > 0 && bits < 256) || c.key.type === 'dsa') {
      emit(META.weakKey, { ...about(it, 'key', `${c.key.type} ${bits}`), practice, detail: `${name(it)} has a ${c.key.type.toUpperCase()} ${bits}-bit key` });
    }
    if (WEAK_SIGNATURE.test(c.signatureAlgorithm) && !c.selfSigned) {
      emit(META.sha1, { ...about(it, 'signatureAlgorithm', c.signatureAlgorithm), practice, detail: `${name(it)} is signed with ${c.signatureAlgorithm}` });
    }
    if (it.key && !it.key.matches) {
      emit(META.keyMismatch, { ...about(it, 'key', it.key.location), practice, detail: `${it.key.location} is not the key of ${name(it)}` });
    }
    if (isClientCert(it) && c.organizations.includes('system:masters')) {
      emit(META.masters, { ...about(it, 'subject', c.subject), detail: `${name(it)} authenticates as ${c.commonName ?? '(no CN)'} in system:masters${it.usedBy.length ? `; used by ${it.usedBy.join(', ')}` : ''}` });
    }
    // a break higher up is reported once, at the CA whose own link it is
    if (it.chain === 'bad-signature' && !it.chainStopsAt) {
      emit(META.badSignature, { ...about(it, 'issuer', c.issuer), practice, detail: `${name(it)} is not signed by ${it.issuer ?? c.issuer}` });
    }
  }
  out.push(...sharedEtcdCa(items));
  return out.sort(compareFindings);
}

function sharedEtcdCa(items: readonly InventoryItem[]): Finding[] {
  const out: Finding[] = [];
  const hosts = new Set(items.map((i) => i.host));
  for (const host of hosts) {
    const mine = items.filter((i) => i.host === host && i.cert.isCA);
    const etcd = mine.filter((i) => i.usedBy.some((u) => ETCD_TRUST.includes(u)) || /(^|\/)pki\/etcd\/ca\.crt$/.test(i.location));
    const cluster = mine.filter((i) => i.usedBy.some((u) => CLUSTER_TRUST.includes(u)) || /(^|\/)pki\/ca\.crt$/.test(i.location));
    const seen = new Set<string>();
    for (const e of etcd) {
      // the same key is the same CA, even in a reissued certificate
      const k = cluster.find((c) => c.cert.key.publicKeyFingerprint === e.cert.key.publicKeyFingerprint);
      if (!k || seen.has(e.cert.key.publicKeyFingerprint)) continue;
      seen.add(e.cert.key.publicKeyFingerprint);
      out.push(
        toFinding(META.sharedEtcdCa, {
          ...about(e, 'fingerprint', e.cert.fingerprint),
          component: 'etcd',
          detail: `${e.location} (trusted by etcd) and ${k.location} (the cluster's client CA) are the same CA (${e.cert.subject})`,
        }),
      );
    }
  }
  return out;
}
