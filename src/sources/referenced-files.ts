/**
 * Every file a component's flags or config fields point to, and what to read from it. Paths go
 * through nodePathFor (static-pod hostPath mounts; kubelet config paths relative to the config file).
 */
import type { Component, ComponentKind } from '../model/control-plane.js';
import { flag as effectiveFlag, kubeletSetting, nodePathFor, type Effective } from '../model/effective.js';
import type { Practice } from '../model/finding.js';
import { describeNodeFile, type FileKind } from './files.js';
import type { NodeContext } from './node-fs.js';

interface FileSetting {
  flag?: string;
  /** kubelet config field */
  field?: string;
  kind: FileKind;
  practice: Practice;
  /** pflag StringArray: every occurrence names a file */
  repeatable?: boolean;
  /** "cert,key[:names]" (--tls-sni-cert-key) */
  certKeyPair?: boolean;
  /** the component creates it (data dirs, logs), or only reads it in a state that has passed (a used bootstrap kubeconfig) */
  missingIsNormal?: boolean;
}

const pem = (flag: string, practice: Practice = 'tls', extra: Partial<FileSetting> = {}): FileSetting => ({ flag, kind: 'pem', practice, ...extra });
const kubeconfig = (flag: string, practice: Practice = 'tls'): FileSetting => ({ flag, kind: 'kubeconfig', practice });
const serving = ['tls-cert-file', 'tls-private-key-file', 'client-ca-file', 'requestheader-client-ca-file'].map((f) => pem(f));
const delegated = ['kubeconfig', 'authentication-kubeconfig', 'authorization-kubeconfig'].map((f) => kubeconfig(f));

export const FILE_SETTINGS: Record<ComponentKind, FileSetting[]> = {
  'kube-apiserver': [
    ...serving,
    { flag: 'tls-sni-cert-key', kind: 'pem', practice: 'tls', repeatable: true, certKeyPair: true },
    pem('etcd-cafile'), pem('etcd-certfile'), pem('etcd-keyfile'),
    pem('kubelet-client-certificate'), pem('kubelet-client-key'), pem('kubelet-certificate-authority'),
    pem('proxy-client-cert-file'), pem('proxy-client-key-file'),
    pem('service-account-key-file', 'encryption', { repeatable: true }), pem('service-account-signing-key-file', 'encryption'),
    pem('oidc-ca-file', 'authn'),
    kubeconfig('authentication-token-webhook-config-file', 'authn'), kubeconfig('authorization-webhook-config-file', 'rbac'), kubeconfig('audit-webhook-config-file', 'rbac'),
    { flag: 'encryption-provider-config', kind: 'encryption-config', practice: 'encryption' },
    { flag: 'experimental-encryption-provider-config', kind: 'encryption-config', practice: 'encryption' },
    { flag: 'audit-policy-file', kind: 'document', practice: 'rbac' },
    { flag: 'authentication-config', kind: 'document', practice: 'authn' },
    { flag: 'authorization-config', kind: 'document', practice: 'rbac' },
    { flag: 'admission-control-config-file', kind: 'document', practice: 'rbac' },
    { flag: 'egress-selector-config-file', kind: 'document', practice: 'tls' },
    { flag: 'token-auth-file', kind: 'entries', practice: 'authn' },
    { flag: 'basic-auth-file', kind: 'entries', practice: 'authn' },
    { flag: 'authorization-policy-file', kind: 'entries', practice: 'rbac' },
    { flag: 'audit-log-path', kind: 'stat', practice: 'rbac', missingIsNormal: true },
  ],
  'kube-controller-manager': [
    ...serving,
    ...delegated,
    pem('root-ca-file'), pem('service-account-private-key-file', 'encryption'),
    ...['cluster-signing-cert-file', 'cluster-signing-key-file', 'cluster-signing-kubelet-serving-cert-file', 'cluster-signing-kubelet-serving-key-file', 'cluster-signing-kubelet-client-cert-file', 'cluster-signing-kubelet-client-key-file', 'cluster-signing-kube-apiserver-client-cert-file', 'cluster-signing-kube-apiserver-client-key-file', 'cluster-signing-legacy-unknown-cert-file', 'cluster-signing-legacy-unknown-key-file'].map((f) => pem(f)),
  ],
  'kube-scheduler': [...serving, ...delegated, { flag: 'config', kind: 'document', practice: 'tls' }],
  etcd: [
    ...['cert-file', 'key-file', 'trusted-ca-file', 'peer-cert-file', 'peer-key-file', 'peer-trusted-ca-file', 'client-crl-file', 'peer-crl-file'].map((f) => pem(f, 'etcd')),
    { flag: 'data-dir', kind: 'directory', practice: 'etcd', missingIsNormal: true },
    { flag: 'wal-dir', kind: 'directory', practice: 'etcd', missingIsNormal: true },
  ],
  kubelet: [
    kubeconfig('kubeconfig'),
    // kubeadm deletes the bootstrap kubeconfig once the kubelet has its client certificate
    { ...kubeconfig('bootstrap-kubeconfig'), missingIsNormal: true },
    { flag: 'client-ca-file', field: 'authentication.x509.clientCAFile', kind: 'pem', practice: 'tls' },
    { flag: 'tls-cert-file', field: 'tlsCertFile', kind: 'pem', practice: 'tls' },
    { flag: 'tls-private-key-file', field: 'tlsPrivateKeyFile', kind: 'pem', practice: 'tls' },
    { flag: 'cert-dir', kind: 'directory', practice: 'tls', missingIsNormal: true },
  ],
  flanneld: [pem('etcd-cafile'), pem('etcd-certfile'), pem('etcd-keyfile')],
};

function effectiveOf(c: Component, s: FileSetting): Effective {
  if (c.kind === 'kubelet' && s.field) return kubeletSetting({}, c, { field: s.field, ...(s.flag ? { flag: s.flag } : {}) });
  return effectiveFlag({}, c, s.flag!);
}

/** The paths one setting names, as written. */
function namedPaths(c: Component, s: FileSetting, e: Effective): string[] {
  const repeated = s.repeatable && s.flag ? c.flags[s.flag] : undefined;
  const values = repeated ? repeated.occurrences.map((o) => o.value) : [e.value ?? ''];
  const paths = s.certKeyPair ? values.flatMap((v) => v.split(':')[0]!.split(',')) : values;
  return paths.map((p) => p.trim()).filter((p) => p !== '' && p !== '-');
}

/** Describes every file the component's explicit settings name. */
export function readReferencedFiles(ctx: NodeContext, c: Component): void {
  for (const s of FILE_SETTINGS[c.kind]) {
    const e = effectiveOf(c, s);
    if (!e.explicit) continue;
    const name = e.field && !c.flags[s.flag ?? ''] ? e.field : e.env ?? `--${s.flag}`;
    const about = { component: c.name, practice: s.practice, flag: name, ...(e.at ? { at: e.at } : {}) };
    const mapPath = (p: string): string => nodePathFor(c, p);
    for (const p of namedPaths(c, s, e)) {
      const file = describeNodeFile(ctx, nodePathFor(c, p, e), s.kind, { ...about, mapPath, recursive: s.flag === 'cert-dir', missingIsNormal: s.missingIsNormal === true });
      if (s.flag === 'config' && c.kind === 'kube-scheduler') readSchedulerKubeconfig(ctx, c, file.document, mapPath);
    }
  }
}

/** KubeSchedulerConfiguration names its kubeconfig in clientConnection.kubeconfig. */
function readSchedulerKubeconfig(ctx: NodeContext, c: Component, doc: unknown, mapPath: (p: string) => string): void {
  const conn = (doc as { clientConnection?: { kubeconfig?: unknown } } | undefined)?.clientConnection;
  if (typeof conn?.kubeconfig === 'string' && conn.kubeconfig !== '') {
    describeNodeFile(ctx, mapPath(conn.kubeconfig), 'kubeconfig', { component: c.name, practice: 'tls', flag: 'clientConnection.kubeconfig', mapPath });
  }
}
