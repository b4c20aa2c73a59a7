/**
 * A real Kubernetes v1.20.2 control plane for end-to-end tests, on 127.0.0.1 only: Debian's etcd
 * (its own CA, client-cert auth), kube-apiserver (TLS, Node,RBAC, audit log, optional encryption at
 * rest / OIDC / audit webhook / extra flags) and, on request, kube-controller-manager. The binaries
 * are built once from Debian's kubernetes source package by scripts/k8s-build.sh and cached in
 * ~/.cache/kubeward/k8s-1.20.2 (KUBEWARD_K8S_CACHE). Every process is stopped by its PID's group.
 *
 * A start that fails throws with the tail of the logs: a suite that needs the control plane fails,
 * it never skips.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Etcd3 } from 'etcd3';
import { writeKubeconfig } from './harness/kubeconfig.js';
import { freePorts, httpsRequest, type TlsIdentity } from './harness/net.js';
import { writeStaticPod, type HostPathMount, type StaticPod } from './harness/node-root.js';
import { makeCa, makeKeyPair, makeLeaf, type CertPair } from './harness/pki.js';
import { startProc, stopProc, tail, waitReady, type Proc } from './harness/procs.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));

export const K8S_VERSION = 'v1.20.2';
/** the group `adminKubeconfig`'s certificate carries; bound to cluster-admin by a ClusterRoleBinding */
export const ADMIN_GROUP = 'kubeward:cluster-admins';

export interface K8sBinaries {
  apiserver: string;
  controllerManager: string;
  kubectl: string;
}

export interface OidcOptions {
  issuerUrl: string;
  caFile: string;
  clientId: string;
  usernameClaim?: string;
  usernamePrefix?: string;
  groupsClaim?: string;
  groupsPrefix?: string;
}

export interface StartOptions {
  /** extra kube-apiserver flags ("--name=value"); one with the name of a default flag replaces it */
  apiserverFlags?: string[];
  /** YAML text of an EncryptionConfiguration (see aescbcEncryptionConfig); enables encryption at rest */
  encryptionConfig?: string;
  /** YAML text of an audit Policy; a built-in policy (Metadata for secrets, RequestResponse for RBAC) otherwise */
  auditPolicy?: string;
  /** YAML text of a kubeconfig for the audit webhook backend (--audit-webhook-config-file) */
  auditWebhookConfig?: string;
  oidc?: OidcOptions;
  /** also run kube-controller-manager (default false: it fills admin/edit/view, SA tokens, GC) */
  controllerManager?: boolean;
  /**
   * a kubeadm-layout PKI directory to run on (e.g. made by `kubeward pki init --apiserver-san 127.0.0.1
   * --etcd-member NAME=127.0.0.1`): copied to the node root's etc/kubernetes/pki, its CAs, leaves and
   * sa key used as they are; the harness's own client certificates (admin, super-admin,
   * controller-manager) are issued from its ca.crt/ca.key
   */
  pkiDir?: string;
}

export interface ClientIdentity {
  kubeconfig: string;
  certFile: string;
  keyFile: string;
}

export interface TokenIdentity {
  kubeconfig: string;
  token: string;
}

export interface Cluster {
  /** temp dir: node/ (the node root), logs/ */
  dir: string;
  apiserverUrl: string;
  /** user kubeward-admin, group kubeward:cluster-admins, bound to cluster-admin through RBAC */
  adminKubeconfig: string;
  /** group system:masters: bypasses RBAC */
  superAdminKubeconfig: string;
  kubectl: string;
  etcd: { endpoint: string; caFile: string; certFile: string; keyFile: string };
  /** the Kubernetes CA's certificate and key are pkiDir/ca.{crt,key}; etcd's are pkiDir/etcd/ca.{crt,key} */
  pkiDir: string;
  /** a node root: etc/kubernetes/manifests/*.yaml with the running flags, pki/, *.conf kubeconfigs, var/log/kubernetes/audit */
  nodeRoot: string;
  /** the node root's hostname (etc/hostname), which createMirrorPods also uses as the Node's name */
  nodeName: string;
  /** the kube-apiserver flags it runs with now (real paths) */
  apiserverFlags: string[];
  auditLogFile: string;
  logs: { etcd: string; apiserver: string; controllerManager?: string };
  /** stops kube-apiserver and starts it again with flags added (replacing same-named ones) and removed (by name) */
  restartApiserver(flags?: { add?: string[]; remove?: string[] }): Promise<void>;
  /** a client certificate signed by the cluster CA (CN=name, O=groups) and a kubeconfig using it */
  createClientCertUser(name: string, groups?: string[]): Promise<ClientIdentity>;
  /** a static bearer token (--token-auth-file); restarts kube-apiserver so it reads the file */
  createTokenUser(name: string, groups?: string[]): Promise<TokenIdentity>;
  /** runs kubectl as the RBAC admin (or the given kubeconfig); rejects with stderr on failure */
  kubectlRun(args: string[], o?: { kubeconfig?: string; input?: string }): Promise<string>;
  /** the raw value etcd stores under a key (e.g. /registry/secrets/default/x) */
  etcdGet(key: string): Promise<Buffer | undefined>;
  etcdKeys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The leaves a kubeadm-layout PKI holds (StartOptions.pkiDir), by the harness's file names. */
const KUBEADM_LEAVES = new Set(['etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-client']);

let binaries: Promise<K8sBinaries> | undefined;

/** The v1.20.2 binaries, built by scripts/k8s-build.sh on first use (minutes) and cached after. */
export function k8sBinaries(): Promise<K8sBinaries> {
  binaries ??= (async () => {
    const cache = process.env.KUBEWARD_K8S_CACHE ?? join(homedir(), '.cache/kubeward/k8s-1.20.2');
    const bin = join(cache, 'bin');
    const found = (): K8sBinaries => ({
      apiserver: join(bin, 'kube-apiserver'),
      controllerManager: join(bin, 'kube-controller-manager'),
      kubectl: join(bin, 'kubectl'),
    });
    const { apiserver, controllerManager, kubectl } = found();
    if (![apiserver, controllerManager, kubectl].every((f) => existsSync(f))) {
      try {
        await run('bash', [join(REPO, 'scripts/k8s-build.sh')], { env: { ...process.env, KUBEWARD_K8S_CACHE: cache }, maxBuffer: 64 << 20 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`scripts/k8s-build.sh failed, so no kube-apiserver ${K8S_VERSION} to test against:\n${err.stderr ?? err.message}`);
      }
    }
    return found();
  })();
  binaries.catch(() => (binaries = undefined));
  return binaries;
}

/** An EncryptionConfiguration with aescbc (a fresh random 32-byte key) for secrets, identity as fallback. */
export function aescbcEncryptionConfig(): string {
  return [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources: [secrets]',
    '    providers:',
    '      - aescbc:',
    '          keys:',
    `            - name: key1`,
    `              secret: ${randomBytes(32).toString('base64')}`,
    '      - identity: {}',
    '',
  ].join('\n');
}

const DEFAULT_AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: "authentication.k8s.io"
        resources: ["tokenreviews"]
  - level: RequestResponse
    resources:
      - group: "rbac.authorization.k8s.io"
  - level: Request
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: Metadata
`;

const SERVICE_CIDR = '10.96.0.0/12';
const IMAGE_REGISTRY = 'k8s.gcr.io';

function flagName(f: string): string {
  return f.replace(/^--?/, '').split('=')[0] ?? f;
}

/** `add` replaces same-named flags (or is appended), `remove` drops flags by name ("--x" or "x"). */
export function mergeFlags(base: readonly string[], add: readonly string[] = [], remove: readonly string[] = []): string[] {
  const drop = new Set([...remove.map(flagName), ...add.map(flagName)]);
  return [...base.filter((f) => !drop.has(flagName(f))), ...add];
}

async function writeSecretFile(file: string, text: string): Promise<string> {
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

/**
 * Starts a fresh control plane in a new temp dir. Ports are picked free just before use; when another
 * process takes one in between ("address already in use"), the start is retried on new ports.
 */
export async function startCluster(opts: StartOptions = {}): Promise<Cluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(opts);
    } catch (e) {
      if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
      const kept = /files kept in (\S+)\)/.exec((e as Error).message)?.[1];
      if (kept) await rm(kept, { recursive: true, force: true });
    }
  }
}

async function startClusterOnce(opts: StartOptions): Promise<Cluster> {
  const bins = await k8sBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'kubeward-e2e-'));
  const nodeRoot = join(dir, 'node');
  const kube = join(nodeRoot, 'etc/kubernetes');
  const pkiDir = join(kube, 'pki');
  const logDir = join(dir, 'logs');
  const auditDir = join(nodeRoot, 'var/log/kubernetes/audit');
  const etcdData = join(nodeRoot, 'var/lib/etcd');
  for (const d of [join(pkiDir, 'etcd'), logDir, auditDir, etcdData]) await mkdir(d, { recursive: true, mode: 0o700 });
  const nodeName = 'cp-1';
  await writeFile(join(nodeRoot, 'etc/hostname'), `${nodeName}\n`);

  const [etcdPort, etcdPeerPort, apiPort, kcmPort] = (await freePorts(4)) as [number, number, number, number];
  const apiserverUrl = `https://127.0.0.1:${apiPort}`;
  const loopSan = 'IP:127.0.0.1,DNS:localhost';

  // PKI: etcd has its own CA, separate from the Kubernetes CA (as kubeadm sets it up); or the given kubeadm-layout PKI
  if (opts.pkiDir) await cp(opts.pkiDir, pkiDir, { recursive: true });
  const given = (name: string): CertPair => ({ certFile: join(pkiDir, `${name}.crt`), keyFile: join(pkiDir, `${name}.key`) });
  const [etcdCa, ca, frontProxyCa] = opts.pkiDir
    ? [given('etcd/ca'), given('ca'), given('front-proxy-ca')]
    : await Promise.all([
        makeCa(join(pkiDir, 'etcd/ca'), 'etcd-ca'),
        makeCa(join(pkiDir, 'ca'), 'kubernetes'),
        makeCa(join(pkiDir, 'front-proxy-ca'), 'front-proxy-ca'),
      ]);
  const leaf = (c: CertPair, name: string, subject: string, extKeyUsage: string, san?: string): Promise<CertPair> =>
    opts.pkiDir && KUBEADM_LEAVES.has(name)
      ? Promise.resolve(given(name))
      : makeLeaf(c, join(pkiDir, name), san === undefined ? { subject, extKeyUsage } : { subject, extKeyUsage, san });
  const [etcdServer, etcdPeer, etcdClient, apiEtcdClient, apiServing, kubeletClient, frontProxyClient, superAdmin, admin, kcmClient, kcmServing, sa] =
    await Promise.all([
      leaf(etcdCa, 'etcd/server', '/CN=127.0.0.1', 'serverAuth,clientAuth', loopSan),
      leaf(etcdCa, 'etcd/peer', '/CN=127.0.0.1', 'serverAuth,clientAuth', loopSan),
      leaf(etcdCa, 'etcd/healthcheck-client', '/CN=kube-etcd-healthcheck-client', 'clientAuth'),
      leaf(etcdCa, 'apiserver-etcd-client', '/CN=kube-apiserver-etcd-client', 'clientAuth'),
      leaf(ca, 'apiserver', '/CN=kube-apiserver', 'serverAuth',
        `DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,${loopSan},IP:10.96.0.1`),
      leaf(ca, 'apiserver-kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', 'clientAuth'),
      leaf(frontProxyCa, 'front-proxy-client', '/CN=front-proxy-client', 'clientAuth'),
      leaf(ca, 'super-admin', '/O=system:masters/CN=kubernetes-super-admin', 'clientAuth'),
      leaf(ca, 'admin', `/O=${ADMIN_GROUP}/CN=kubeward-admin`, 'clientAuth'),
      leaf(ca, 'controller-manager', '/CN=system:kube-controller-manager', 'clientAuth'),
      leaf(ca, 'controller-manager-serving', '/CN=kube-controller-manager', 'serverAuth', loopSan),
      opts.pkiDir ? Promise.resolve({ keyFile: join(pkiDir, 'sa.key'), pubFile: join(pkiDir, 'sa.pub') }) : makeKeyPair(pkiDir, 'sa'),
    ]);

  const kubeconfigFor = (file: string, user: string, c: CertPair): Promise<string> =>
    writeKubeconfig(join(kube, file), { server: apiserverUrl, caFile: ca.certFile, user, certFile: c.certFile, keyFile: c.keyFile });
  const [superAdminKubeconfig, adminKubeconfig, kcmKubeconfig] = await Promise.all([
    kubeconfigFor('super-admin.conf', 'kubernetes-super-admin', superAdmin),
    kubeconfigFor('admin.conf', 'kubeward-admin', admin),
    kubeconfigFor('controller-manager.conf', 'system:kube-controller-manager', kcmClient),
  ]);

  const auditPolicyFile = await writeSecretFile(join(kube, 'audit/policy.yaml'), opts.auditPolicy ?? DEFAULT_AUDIT_POLICY);
  const auditLogFile = join(auditDir, 'audit.log');
  const tokenFile = join(kube, 'auth/tokens.csv');

  const etcd = { endpoint: `https://127.0.0.1:${etcdPort}`, caFile: etcdCa.certFile, certFile: etcdClient.certFile, keyFile: etcdClient.keyFile };
  const logs = { etcd: join(logDir, 'etcd.log'), apiserver: join(logDir, 'kube-apiserver.log'), controllerManager: join(logDir, 'kube-controller-manager.log') };

  const etcdArgs = [
    '--name=default',
    `--data-dir=${etcdData}`,
    `--listen-client-urls=${etcd.endpoint}`,
    `--advertise-client-urls=${etcd.endpoint}`,
    `--listen-peer-urls=https://127.0.0.1:${etcdPeerPort}`,
    `--initial-advertise-peer-urls=https://127.0.0.1:${etcdPeerPort}`,
    `--initial-cluster=default=https://127.0.0.1:${etcdPeerPort}`,
    `--cert-file=${etcdServer.certFile}`,
    `--key-file=${etcdServer.keyFile}`,
    '--client-cert-auth=true',
    `--trusted-ca-file=${etcdCa.certFile}`,
    `--peer-cert-file=${etcdPeer.certFile}`,
    `--peer-key-file=${etcdPeer.keyFile}`,
    '--peer-client-cert-auth=true',
    `--peer-trusted-ca-file=${etcdCa.certFile}`,
    '--snapshot-count=10000',
    '--logger=zap',
    '--log-outputs=stderr',
  ];

  let apiserverFlags = [
    '--advertise-address=127.0.0.1',
    '--bind-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    '--insecure-port=0',
    `--tls-cert-file=${apiServing.certFile}`,
    `--tls-private-key-file=${apiServing.keyFile}`,
    '--tls-min-version=VersionTLS12',
    `--client-ca-file=${ca.certFile}`,
    '--anonymous-auth=false',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    '--profiling=false',
    `--etcd-servers=${etcd.endpoint}`,
    `--etcd-cafile=${etcdCa.certFile}`,
    `--etcd-certfile=${apiEtcdClient.certFile}`,
    `--etcd-keyfile=${apiEtcdClient.keyFile}`,
    `--audit-policy-file=${auditPolicyFile}`,
    `--audit-log-path=${auditLogFile}`,
    '--audit-log-format=json',
    '--audit-log-maxage=30',
    '--audit-log-maxbackup=10',
    '--audit-log-maxsize=100',
    `--service-account-key-file=${sa.pubFile}`,
    `--service-account-signing-key-file=${sa.keyFile}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-account-lookup=true',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--endpoint-reconciler-type=none',
    `--kubelet-client-certificate=${kubeletClient.certFile}`,
    `--kubelet-client-key=${kubeletClient.keyFile}`,
    `--kubelet-certificate-authority=${ca.certFile}`,
    `--requestheader-client-ca-file=${frontProxyCa.certFile}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${frontProxyClient.certFile}`,
    `--proxy-client-key-file=${frontProxyClient.keyFile}`,
    '--v=1',
  ];
  if (opts.encryptionConfig !== undefined) {
    apiserverFlags.push(`--encryption-provider-config=${await writeSecretFile(join(kube, 'enc/encryption-config.yaml'), opts.encryptionConfig)}`);
  }
  if (opts.auditWebhookConfig !== undefined) {
    const f = await writeSecretFile(join(kube, 'audit/webhook.kubeconfig'), opts.auditWebhookConfig);
    apiserverFlags.push(`--audit-webhook-config-file=${f}`, '--audit-webhook-batch-max-wait=1s');
  }
  if (opts.oidc) {
    const o = opts.oidc;
    apiserverFlags.push(`--oidc-issuer-url=${o.issuerUrl}`, `--oidc-client-id=${o.clientId}`, `--oidc-ca-file=${o.caFile}`, '--oidc-signing-algs=RS256');
    if (o.usernameClaim !== undefined) apiserverFlags.push(`--oidc-username-claim=${o.usernameClaim}`);
    if (o.usernamePrefix !== undefined) apiserverFlags.push(`--oidc-username-prefix=${o.usernamePrefix}`);
    if (o.groupsClaim !== undefined) apiserverFlags.push(`--oidc-groups-claim=${o.groupsClaim}`);
    if (o.groupsPrefix !== undefined) apiserverFlags.push(`--oidc-groups-prefix=${o.groupsPrefix}`);
  }
  apiserverFlags = mergeFlags(apiserverFlags, opts.apiserverFlags);

  const kcmFlags = [
    `--kubeconfig=${kcmKubeconfig}`,
    `--authentication-kubeconfig=${kcmKubeconfig}`,
    `--authorization-kubeconfig=${kcmKubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${kcmPort}`,
    '--port=0',
    `--tls-cert-file=${kcmServing.certFile}`,
    `--tls-private-key-file=${kcmServing.keyFile}`,
    `--client-ca-file=${ca.certFile}`,
    `--requestheader-client-ca-file=${frontProxyCa.certFile}`,
    `--root-ca-file=${ca.certFile}`,
    `--service-account-private-key-file=${sa.keyFile}`,
    `--cluster-signing-cert-file=${ca.certFile}`,
    `--cluster-signing-key-file=${ca.keyFile}`,
    '--use-service-account-credentials=true',
    '--controllers=*,bootstrapsigner,tokencleaner',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--leader-elect=false',
    '--profiling=false',
    '--v=1',
  ];

  const superAdminId: TlsIdentity = { caFile: ca.certFile, certFile: superAdmin.certFile, keyFile: superAdmin.keyFile };
  const etcdId: TlsIdentity = { caFile: etcd.caFile, certFile: etcd.certFile, keyFile: etcd.keyFile };
  const procs: { etcd?: Proc; apiserver?: Proc; kcm?: Proc } = {};
  let etcdClientConn: Etcd3 | undefined;

  const apiserverMounts: HostPathMount[] = [
    { name: 'k8s-certs', path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate', readOnly: true },
    { name: 'ca-certs', path: '/etc/ssl/certs', type: 'DirectoryOrCreate', readOnly: true },
    { name: 'audit-policy', path: '/etc/kubernetes/audit', type: 'DirectoryOrCreate', readOnly: true },
    { name: 'audit-log', path: '/var/log/kubernetes/audit', type: 'DirectoryOrCreate', readOnly: false },
    { name: 'encryption', path: '/etc/kubernetes/enc', type: 'DirectoryOrCreate', readOnly: true },
    { name: 'token-auth', path: '/etc/kubernetes/auth', type: 'DirectoryOrCreate', readOnly: true },
  ];
  const pods = {
    etcd: (): StaticPod => ({
      component: 'etcd',
      image: `${IMAGE_REGISTRY}/etcd:3.4.23-0`,
      command: ['etcd', ...etcdArgs],
      mounts: [
        { name: 'etcd-certs', path: '/etc/kubernetes/pki/etcd', type: 'DirectoryOrCreate', readOnly: false },
        { name: 'etcd-data', path: '/var/lib/etcd', type: 'DirectoryOrCreate', readOnly: false },
      ],
    }),
    apiserver: (): StaticPod => ({
      component: 'kube-apiserver',
      image: `${IMAGE_REGISTRY}/kube-apiserver:${K8S_VERSION}`,
      command: ['kube-apiserver', ...apiserverFlags],
      mounts: apiserverMounts,
    }),
    kcm: (): StaticPod => ({
      component: 'kube-controller-manager',
      image: `${IMAGE_REGISTRY}/kube-controller-manager:${K8S_VERSION}`,
      command: ['kube-controller-manager', ...kcmFlags],
      mounts: [
        { name: 'k8s-certs', path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate', readOnly: true },
        { name: 'ca-certs', path: '/etc/ssl/certs', type: 'DirectoryOrCreate', readOnly: true },
        { name: 'kubeconfig', path: '/etc/kubernetes/controller-manager.conf', type: 'FileOrCreate', readOnly: true },
      ],
    }),
  };

  const startApiserver = async (): Promise<void> => {
    const p = startProc('kube-apiserver', bins.apiserver, apiserverFlags, logs.apiserver);
    procs.apiserver = p;
    await waitReady(p, async () => (await httpsRequest(`${apiserverUrl}/readyz`, superAdminId)).status === 200, 120_000);
    await writeStaticPod(nodeRoot, pods.apiserver());
  };

  const stopAll = async (): Promise<void> => {
    etcdClientConn?.close();
    etcdClientConn = undefined;
    for (const p of [procs.kcm, procs.apiserver, procs.etcd]) if (p) await stopProc(p);
  };

  try {
    procs.etcd = startProc('etcd', '/usr/bin/etcd', etcdArgs, logs.etcd);
    await waitReady(procs.etcd, async () => (await httpsRequest(`${etcd.endpoint}/health`, etcdId)).status === 200, 60_000);
    await writeStaticPod(nodeRoot, pods.etcd());
    await startApiserver();
    const crb = await httpsRequest(`${apiserverUrl}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings`, superAdminId, {
      method: 'POST',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: ADMIN_GROUP },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: ADMIN_GROUP }],
      },
    });
    if (crb.status !== 201) throw new Error(`binding ${ADMIN_GROUP} to cluster-admin failed: HTTP ${crb.status} ${crb.body}`);
    if (opts.controllerManager) {
      procs.kcm = startProc('kube-controller-manager', bins.controllerManager, kcmFlags, logs.controllerManager);
      await waitReady(procs.kcm, async () => (await httpsRequest(`https://127.0.0.1:${kcmPort}/healthz`, { caFile: ca.certFile })).status === 200, 60_000);
      await writeStaticPod(nodeRoot, pods.kcm());
    }
  } catch (e) {
    await stopAll();
    const tails = [procs.etcd, procs.apiserver, procs.kcm]
      .filter((p): p is Proc => p !== undefined)
      .map((p) => `--- ${p.name} (${p.log}):\n${tail(p.log, 15)}`)
      .join('\n');
    throw new Error(`the e2e control plane could not start (files kept in ${dir}): ${(e as Error).message}\n${tails}`);
  }

  const etcdConn = async (): Promise<Etcd3> => {
    if (!etcdClientConn) {
      const { Etcd3: Client } = await import('etcd3');
      const { readFile } = await import('node:fs/promises');
      etcdClientConn = new Client({
        hosts: etcd.endpoint,
        credentials: { rootCertificate: await readFile(etcd.caFile), certChain: await readFile(etcd.certFile), privateKey: await readFile(etcd.keyFile) },
      });
    }
    return etcdClientConn;
  };

  const cluster: Cluster = {
    dir,
    apiserverUrl,
    adminKubeconfig,
    superAdminKubeconfig,
    kubectl: bins.kubectl,
    etcd,
    pkiDir,
    nodeRoot,
    nodeName,
    apiserverFlags,
    auditLogFile,
    logs: opts.controllerManager ? logs : { etcd: logs.etcd, apiserver: logs.apiserver },

    async restartApiserver(flags = {}) {
      if (procs.apiserver) await stopProc(procs.apiserver);
      apiserverFlags = mergeFlags(apiserverFlags, flags.add, flags.remove);
      cluster.apiserverFlags = apiserverFlags;
      try {
        await startApiserver();
      } catch (e) {
        throw new Error(`kube-apiserver did not come back with the new flags: ${(e as Error).message}`);
      }
    },

    async createClientCertUser(name, groups = []) {
      const base = join(dir, 'users', name);
      await mkdir(join(dir, 'users'), { recursive: true, mode: 0o700 });
      const subject = `${groups.map((g) => `/O=${g}`).join('')}/CN=${name}`;
      const pair = await makeLeaf(ca, base, { subject, extKeyUsage: 'clientAuth' });
      const kubeconfig = await writeKubeconfig(`${base}.kubeconfig`, { server: apiserverUrl, caFile: ca.certFile, user: name, ...pair });
      return { kubeconfig, ...pair };
    },

    async createTokenUser(name, groups = []) {
      const token = randomBytes(24).toString('hex');
      await mkdir(join(kube, 'auth'), { recursive: true, mode: 0o700 });
      // token-auth-file: token,user,uid,"group1,group2" (staging/src/k8s.io/apiserver/pkg/authentication/token/tokenfile)
      await appendFile(tokenFile, `${token},${name},${name},"${groups.join(',')}"\n`, { mode: 0o600 });
      await cluster.restartApiserver({ add: [`--token-auth-file=${tokenFile}`] });
      const kubeconfig = await writeKubeconfig(join(dir, 'users', `${name}.token.kubeconfig`), { server: apiserverUrl, caFile: ca.certFile, user: name, token });
      return { kubeconfig, token };
    },

    async kubectlRun(args, o = {}) {
      try {
        const child = run(bins.kubectl, ['--kubeconfig', o.kubeconfig ?? adminKubeconfig, ...args], { maxBuffer: 64 << 20 });
        if (o.input !== undefined) {
          child.child.stdin?.end(o.input);
        } else {
          child.child.stdin?.end();
        }
        return (await child).stdout;
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`kubectl ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
      }
    },

    async etcdGet(key) {
      const v = await (await etcdConn()).get(key).buffer();
      return v ?? undefined;
    },

    async etcdKeys(prefix) {
      return (await etcdConn()).getAll().prefix(prefix).keys();
    },

    async stop() {
      await stopAll();
      if (process.env.KUBEWARD_E2E_KEEP !== '1') await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
