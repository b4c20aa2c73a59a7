/**
 * A kubeadm control-plane node (v1.31 layout) for TLS tests: the flags kubeadm writes into its
 * static pod manifests, hardened where kubeadm leaves gaps (kubelet CA, TLS minimum, cipher suites),
 * the kubeconfigs and PKI files it writes with their facts. Tests change one thing at a time.
 */
import type { CertificateFacts, KubeconfigFacts } from '../../../src/model/control-plane.js';
import type { ComponentOptions, HostBuilder } from '../../helpers/fixture.js';

export const NODE_IP = '10.0.0.10';

export const APISERVER_CIPHERS = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305';

export const APISERVER = [
  `--advertise-address=${NODE_IP}`,
  '--allow-privileged=true',
  '--authorization-mode=Node,RBAC',
  '--client-ca-file=/etc/kubernetes/pki/ca.crt',
  '--enable-admission-plugins=NodeRestriction',
  '--enable-bootstrap-token-auth=true',
  '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
  '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
  '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
  '--etcd-servers=https://127.0.0.1:2379',
  '--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt',
  '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
  '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
  '--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
  '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
  '--requestheader-allowed-names=front-proxy-client',
  '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
  '--secure-port=6443',
  '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
  '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
  '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
  '--service-cluster-ip-range=10.96.0.0/12',
  '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
  '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
  '--tls-min-version=VersionTLS12',
  `--tls-cipher-suites=${APISERVER_CIPHERS}`,
];

export const CONTROLLER_MANAGER = [
  '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
  '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
  '--bind-address=127.0.0.1',
  '--client-ca-file=/etc/kubernetes/pki/ca.crt',
  '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
  '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
  '--controllers=*,bootstrapsigner,tokencleaner',
  '--kubeconfig=/etc/kubernetes/controller-manager.conf',
  '--leader-elect=true',
  '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
  '--root-ca-file=/etc/kubernetes/pki/ca.crt',
  '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
  '--use-service-account-credentials=true',
  '--tls-min-version=VersionTLS12',
];

export const SCHEDULER = [
  '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
  '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
  '--bind-address=127.0.0.1',
  '--kubeconfig=/etc/kubernetes/scheduler.conf',
  '--leader-elect=true',
  '--tls-min-version=VersionTLS12',
];

export const ETCD = [
  `--advertise-client-urls=https://${NODE_IP}:2379`,
  '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
  '--client-cert-auth=true',
  '--data-dir=/var/lib/etcd',
  `--initial-advertise-peer-urls=https://${NODE_IP}:2380`,
  `--initial-cluster=cp-1=https://${NODE_IP}:2380`,
  '--key-file=/etc/kubernetes/pki/etcd/server.key',
  `--listen-client-urls=https://127.0.0.1:2379,https://${NODE_IP}:2379`,
  '--listen-metrics-urls=http://127.0.0.1:2381',
  `--listen-peer-urls=https://${NODE_IP}:2380`,
  '--name=cp-1',
  '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
  '--peer-client-cert-auth=true',
  '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
  '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
  '--snapshot-count=10000',
  '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
];

export const KUBELET = [
  '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
  '--kubeconfig=/etc/kubernetes/kubelet.conf',
  '--config=/var/lib/kubelet/config.yaml',
  '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock',
];

export const KUBELET_CIPHERS = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'];

export function kubeletConfig(): Record<string, unknown> {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true, cacheTTL: '0s' }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'systemd',
    rotateCertificates: true,
    serverTLSBootstrap: true,
    tlsMinVersion: 'VersionTLS12',
    tlsCipherSuites: KUBELET_CIPHERS,
  };
}

/**
 * Replaces flags in a base argument list: "--name=value" sets (replacing every occurrence),
 * "!--name" removes, "+--name=value" appends another occurrence.
 */
export function edit(base: readonly string[], ...changes: string[]): string[] {
  let out = [...base];
  const nameOf = (a: string): string => a.replace(/^[!+]/, '').replace(/^--?/, '').split('=')[0] ?? '';
  for (const change of changes) {
    if (change.startsWith('+')) {
      out.push(change.slice(1));
      continue;
    }
    const name = nameOf(change);
    out = out.filter((a) => nameOf(a) !== name);
    if (!change.startsWith('!')) out.push(change);
  }
  return out;
}

let serial = 1;
export function cert(commonName: string, o: Partial<CertificateFacts> = {}): CertificateFacts {
  const n = serial++;
  return {
    subject: `CN=${commonName}`,
    commonName,
    organizations: [],
    issuer: 'CN=kubernetes',
    serial: String(n),
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    isCA: false,
    sans: [],
    keyUsage: ['digitalSignature'],
    extKeyUsage: [],
    signatureAlgorithm: 'sha256WithRSAEncryption',
    key: { type: 'rsa', bits: 2048, publicKeyFingerprint: `pk${n}` },
    fingerprint: `${commonName.replace(/[^a-z0-9]/gi, '').toLowerCase()}${String(n).padStart(4, '0')}`,
    selfSigned: false,
    ...o,
  };
}

export const CLUSTER_CA = cert('kubernetes', { isCA: true, selfSigned: true, fingerprint: 'c1a0000000000000' });
export const ETCD_CA = cert('etcd-ca', { isCA: true, selfSigned: true, fingerprint: 'e7cd000000000000' });

/** A kubeconfig as kubeadm writes it: one cluster, one user, one current context. */
export function kubeconfig(user: string, o: { server?: string; insecure?: boolean; ca?: boolean; token?: boolean; clientCertificate?: string } = {}): KubeconfigFacts {
  const cluster: KubeconfigFacts['clusters'][number] = {
    name: 'kubernetes',
    server: o.server ?? `https://${NODE_IP}:6443`,
    insecureSkipTlsVerify: o.insecure ?? false,
    caCertificates: o.ca === false ? [] : [CLUSTER_CA],
    line: 4,
  };
  if (o.ca !== false) cluster.certificateAuthority = '(embedded)';
  const u: KubeconfigFacts['users'][number] = { name: user, clientCertificates: [], hasToken: o.token ?? false, hasBasicAuth: false, line: 14 };
  if (!o.token) {
    u.clientCertificate = o.clientCertificate ?? '(embedded)';
    u.clientCertificates = [cert(user)];
    u.clientKey = u.clientCertificate;
  }
  return { currentContext: `${user}@kubernetes`, clusters: [cluster], users: [u], contexts: [{ name: `${user}@kubernetes`, cluster: 'kubernetes', user }] };
}

export interface NodeOptions {
  apiserver?: string[];
  controllerManager?: string[];
  scheduler?: string[];
  etcd?: string[];
  kubelet?: string[];
  kubeletConfig?: Record<string, unknown> | null;
  kubeletOptions?: ComponentOptions;
  /** skip writing the PKI and kubeconfig files */
  noFiles?: boolean;
  /** leave out components */
  without?: ('kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd' | 'kubelet')[];
}

/** Builds a kubeadm control-plane node into `h`. */
export function kubeadmNode(o: NodeOptions = {}): (h: HostBuilder) => void {
  const skip = new Set(o.without ?? []);
  return (h) => {
    h.host.addresses.push(NODE_IP);
    if (!skip.has('kube-apiserver')) h.apiserver(o.apiserver ?? APISERVER);
    if (!skip.has('kube-controller-manager')) h.controllerManager(o.controllerManager ?? CONTROLLER_MANAGER);
    if (!skip.has('kube-scheduler')) h.scheduler(o.scheduler ?? SCHEDULER);
    if (!skip.has('etcd')) h.etcd(o.etcd ?? ETCD);
    if (!skip.has('kubelet')) {
      const config = o.kubeletConfig === undefined ? kubeletConfig() : o.kubeletConfig;
      h.kubelet(o.kubelet ?? KUBELET, { ...(config ? { config } : {}), ...o.kubeletOptions });
    }
    if (o.noFiles) return;
    h.file('etc/kubernetes/pki', { type: 'directory', mode: 0o755 });
    h.file('etc/kubernetes/pki/ca.crt', { mode: 0o644, certificates: [CLUSTER_CA] });
    h.file('etc/kubernetes/pki/ca.key', { mode: 0o600 });
    h.file('etc/kubernetes/pki/apiserver.crt', { mode: 0o644, certificates: [cert('kube-apiserver')] });
    h.file('etc/kubernetes/pki/apiserver.key', { mode: 0o600 });
    h.file('etc/kubernetes/pki/etcd/ca.crt', { mode: 0o644, certificates: [ETCD_CA] });
    h.file('etc/kubernetes/pki/etcd/ca.key', { mode: 0o600 });
    h.file('etc/kubernetes/pki/front-proxy-ca.crt', { mode: 0o644, certificates: [cert('front-proxy-ca', { isCA: true })] });
    h.file('etc/kubernetes/controller-manager.conf', { mode: 0o600, kubeconfig: kubeconfig('system:kube-controller-manager') });
    h.file('etc/kubernetes/scheduler.conf', { mode: 0o600, kubeconfig: kubeconfig('system:kube-scheduler') });
    h.file('etc/kubernetes/kubelet.conf', { mode: 0o600, kubeconfig: kubeconfig('system:node:cp-1', { clientCertificate: '/var/lib/kubelet/pki/kubelet-client-current.pem' }) });
    h.file('var/lib/kubelet/config.yaml', { mode: 0o600 });
  };
}
