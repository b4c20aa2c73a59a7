/**
 * The live source against a real kube-apiserver v1.20.2 (the e2e harness): mirror pods carrying the
 * harness's static-pod specs, cluster facts, pagination, partial reads on 403, an unreachable
 * kubelet, managed-cluster signs; and a scan of the live cluster agrees with a scan of the same
 * node's files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/model/control-plane.js';
import type { Finding } from '../../src/model/finding.js';
import { loadControlPlane, scanControlPlane } from '../../src/scan.js';
import { readLiveCluster } from '../../src/sources/live.js';
import { aescbcEncryptionConfig, ADMIN_GROUP, startCluster, type Cluster } from './harness.js';
import { runCli } from '../helpers/cli.js';
import { writeKubeconfig } from './harness/kubeconfig.js';
import { createMirrorPods } from './harness/mirror-pods.js';
import { freePorts } from './harness/net.js';

/** Set weak on purpose: each must come back as a finding, from the API as from the node's files. */
const WEAK_FLAGS = ['--profiling=true', '--service-account-lookup=false'];
const WEAK_FINDINGS = ['rbac/profiling', 'authn/service-account-lookup'];
/** The harness's strong settings: none of these may report. */
const STRONG_IDS = [
  'authn/apiserver-anonymous-auth',
  'rbac/always-allow',
  'rbac/node-authorizer',
  'rbac/rbac-authorizer',
  'rbac/node-restriction',
  'encryption/provider-config',
  'etcd/client-cert-auth',
  'tls/insecure-port',
  'tls/etcd-servers-https',
  'rbac/service-account-credentials',
];
const TOKEN_SECRET = 'f3a9c1d27be04e55';

let cluster: Cluster;

async function apply(obj: unknown): Promise<void> {
  await cluster.kubectlRun(['apply', '-f', '-'], { input: JSON.stringify(obj) });
}

function scan(cp: ControlPlane): Finding[] {
  return scanControlPlane(cp, { failOn: 'high' }).findings;
}

/** What a flag finding says, without where it was read (API object vs. manifest file:line). */
function flagFindings(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.evidence.flag !== null && f.component !== 'kubelet')
    .map((f) => `${f.id} ${f.host} ${f.component} ${f.evidence.flag}=${f.evidence.value}`)
    .sort();
}

beforeAll(async () => {
  cluster = await startCluster({ encryptionConfig: aescbcEncryptionConfig(), controllerManager: true, apiserverFlags: WEAK_FLAGS });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('a cluster whose control plane is not visible as pods', () => {
  it('is partial, not passed, when no control-plane pods exist', async () => {
    const cp = await readLiveCluster({ kubeconfig: cluster.adminKubeconfig });
    expect(cp.version).toMatchObject({ major: 1, minor: 20, patch: 2, from: '/version' });
    expect(cp.cluster?.managedBy).toBeUndefined();
    expect(cp.partial.join('\n')).toMatch(/no control-plane pods in kube-system/);
  });

  it('is reported as managed (info findings per practice) when its nodes carry a provider sign', async () => {
    await apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'aks-pool-0', labels: { 'kubernetes.azure.com/cluster': 'mc_rg' } } });
    try {
      const cp = await readLiveCluster({ kubeconfig: cluster.adminKubeconfig });
      expect(cp.cluster?.managedBy).toBe('AKS');
      const managed = scan(cp).filter((f) => f.id === 'input/managed-control-plane');
      expect(managed.map((f) => f.practice).sort()).toEqual(['authn', 'encryption', 'etcd', 'rbac', 'tls']);
      expect(managed.every((f) => f.severity === 'info')).toBe(true);
    } finally {
      await cluster.kubectlRun(['delete', 'node', 'aks-pool-0', '--wait=false']);
    }
  });
});

describe('a kubeadm-like cluster with mirror pods', () => {
  let live: ControlPlane;
  beforeAll(async () => {
    await createMirrorPods(cluster);
    await apply({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'bootstrap.kubernetes.io/token',
      metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
      stringData: {
        'token-id': 'abcdef',
        'token-secret': TOKEN_SECRET,
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      },
    });
    await apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'no-ca' },
      webhooks: [
        {
          name: 'widgets.example.com',
          clientConfig: { url: 'https://webhook.example.com/validate' },
          rules: [{ apiGroups: ['example.com'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['widgets'] }],
          failurePolicy: 'Ignore',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    const csr = execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/O=devs/CN=carol'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await apply({
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'carol' },
      spec: { request: csr.toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
    });
    // last: an unavailable aggregated API makes discovery (and so kubectl apply) noisy
    await apply({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1.widgets.example.com' },
      spec: { group: 'widgets.example.com', version: 'v1', service: { namespace: 'default', name: 'widgets', port: 443 }, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 10 },
    });
    live = await readLiveCluster({ kubeconfig: cluster.adminKubeconfig });
  });

  it('reads the control plane from the mirror pods, located at the API objects', () => {
    const host = live.hosts.find((h) => h.name === cluster.nodeName);
    expect(host?.runsWorkloads).toBe(false);
    const kinds = host?.components.map((c) => `${c.kind} ${c.origin} ${c.at.object ?? ''}`).sort();
    expect(kinds).toEqual([
      `etcd mirror-pod kube-system/Pod/etcd-${cluster.nodeName}`,
      `kube-apiserver mirror-pod kube-system/Pod/kube-apiserver-${cluster.nodeName}`,
      `kube-controller-manager mirror-pod kube-system/Pod/kube-controller-manager-${cluster.nodeName}`,
    ]);
    const api = host!.components.find((c) => c.kind === 'kube-apiserver')!;
    expect(api.flags['client-ca-file']).toMatchObject({ value: '/etc/kubernetes/pki/ca.crt', at: { kind: 'api', object: `kube-system/Pod/kube-apiserver-${cluster.nodeName}` } });
    expect(api.flags.profiling?.value).toBe('true');
    expect(api.version).toMatchObject({ major: 1, minor: 20, patch: 2 });
    expect(api.mounts).toContainEqual({ containerPath: '/etc/kubernetes/pki', hostPath: '/etc/kubernetes/pki', readOnly: true });
  });

  it('reads nodes, webhooks, APIServices, CSRs, RBAC and bootstrap tokens, never the token secret', () => {
    const c = live.cluster!;
    expect(c.server).toBe(cluster.apiserverUrl);
    expect(c.nodes.find((n) => n.name === cluster.nodeName)).toMatchObject({ roles: ['master'], taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] });
    expect(c.webhooks).toContainEqual(expect.objectContaining({ configuration: 'no-ca', kind: 'validating', url: 'https://webhook.example.com/validate', hasCaBundle: false, failurePolicy: 'Ignore' }));
    expect(c.apiServices.find((a) => a.name === 'v1.widgets.example.com')).toMatchObject({ insecureSkipTLSVerify: true, hasCaBundle: false, service: { namespace: 'default', name: 'widgets', port: 443 } });
    expect(c.csrs.find((x) => x.name === 'carol')).toMatchObject({ signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'kubeward-admin' });
    expect(c.bootstrapTokens).toEqual([
      { id: 'abcdef', usages: ['authentication', 'signing'], extraGroups: ['system:bootstrappers:kubeadm:default-node-token'], object: 'kube-system/Secret/bootstrap-token-abcdef' },
    ]);
    expect(JSON.stringify(live)).not.toContain(TOKEN_SECRET);
    expect(live.rbac?.find((o) => o.kind === 'ClusterRoleBinding' && o.metadata?.name === ADMIN_GROUP)).toMatchObject({ apiVersion: 'rbac.authorization.k8s.io/v1' });
  });

  it('marks the kubelet unknown (partial + problem) when configz is unreachable, never passed', () => {
    expect(live.partial.join('\n')).toMatch(new RegExp(`kubelet on ${cluster.nodeName}: configz could not be read`));
    const unreadable = scan(live).filter((f) => f.id === 'input/unreadable' && f.component === 'kubelet');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]!.evidence.object).toBe(`Node/${cluster.nodeName}/proxy/configz`);
  });

  it('finds the weak flags set on purpose, and nothing for the strong ones', () => {
    const findings = scan(live);
    for (const id of WEAK_FINDINGS) {
      const f = findings.find((x) => x.id === id);
      expect(f, id).toBeDefined();
      expect(f!.evidence).toMatchObject({ source: 'api', object: `kube-system/Pod/kube-apiserver-${cluster.nodeName}` });
    }
    expect(findings.find((f) => f.id === 'tls/bootstrap-token-expiry')?.detail).toMatch(/abcdef never expires/);
    const ids = new Set(findings.map((f) => f.id));
    for (const id of STRONG_IDS) expect(ids.has(id), id).toBe(false);
  });

  it('agrees with a scan of the same node root on every flag finding', async () => {
    const nodeRootScan = scan(await loadControlPlane({ nodeRoots: [cluster.nodeRoot], snapshots: [] }));
    const liveScan = scan(live);
    expect(flagFindings(liveScan)).toEqual(flagFindings(nodeRootScan));
    for (const id of WEAK_FINDINGS) expect(nodeRootScan.find((f) => f.id === id)?.evidence.file).toBe('etc/kubernetes/manifests/kube-apiserver.yaml');
  });

  it('paginates every list (limit/continue) and reads the same objects page by page', async () => {
    const paged = await readLiveCluster({ kubeconfig: cluster.adminKubeconfig, pageSize: 7 });
    expect(paged.rbac?.length).toBeGreaterThan(7);
    const names = (cp: ControlPlane): string[] => (cp.rbac ?? []).map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`).sort();
    expect(names(paged)).toEqual(names(live));
    // the API server's own audit log shows the continuation requests
    const pages = readFileSync(cluster.auditLogFile, 'utf8')
      .split('\n')
      .filter((l) => /"requestURI":"\/apis\/rbac\.authorization\.k8s\.io\/v1\/clusterroles\?limit=7(&|\\u0026)continue=/.test(l));
    expect(pages.length).toBeGreaterThan(1);
  });

  it('goes on with a partial scan when one resource is forbidden', async () => {
    const reader = await cluster.createClientCertUser('limited-reader', ['kubeward:readers']);
    await apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubeward:reader-no-secrets' },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'pods', 'configmaps'], verbs: ['get', 'list'] },
        { apiGroups: ['rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiregistration.k8s.io', 'certificates.k8s.io'], resources: ['*'], verbs: ['get', 'list'] },
      ],
    });
    await apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubeward:readers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeward:reader-no-secrets' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeward:readers' }],
    });
    const cp = await readLiveCluster({ kubeconfig: reader.kubeconfig });
    expect(cp.partial.filter((p) => !p.startsWith('kubelet on'))).toEqual([
      expect.stringMatching(/^bootstrap-token Secrets in kube-system could not be read: forbidden \(HTTP 403: secrets is forbidden: User "limited-reader"/),
    ]);
    expect(cp.hosts.find((h) => h.name === cluster.nodeName)?.components).toHaveLength(3);
    expect(cp.rbac?.length).toBe((live.rbac?.length ?? 0) + 2);

    const nobody = await cluster.createClientCertUser('nobody');
    const none = await readLiveCluster({ kubeconfig: nobody.kubeconfig });
    expect(none.partial.length).toBeGreaterThanOrEqual(8);
    expect(none.version?.raw).toBe('v1.20.2');
  });

  it('writes a snapshot of the harness node root without its keys, kubeconfig credentials or encryption key', async () => {
    const { readNodeRoot } = await import('../../src/sources/node-root.js');
    const { writeSnapshot } = await import('../../src/sources/snapshot.js');
    const read = await readNodeRoot(cluster.nodeRoot);
    const out = join(cluster.dir, 'snapshot');
    await writeSnapshot({ hosts: [read.host], problems: read.problems, partial: [] }, out);
    const written = execFileSync('cat', ['-v', ...execFileSync('find', [out, '-type', 'f']).toString().trim().split('\n')]).toString();
    expect(written).not.toMatch(/PRIVATE KEY|client-key-data/);
    const encryptionKey = /secret: (\S+)/.exec(readFileSync(join(cluster.nodeRoot, 'etc/kubernetes/enc/encryption-config.yaml'), 'utf8'))![1]!;
    expect(written).not.toContain(encryptionKey);
    const adminKey = readFileSync(join(cluster.pkiDir, 'admin.key'), 'utf8').split('\n')[1]!;
    expect(written).not.toContain(adminKey);
    expect(written).toContain('etc/kubernetes/pki/admin.key');
  });
});

// each CLI run starts a Node process through tsx: slow on a busy machine
describe('kubeward scan / collect --kubeconfig (the CLI against the live cluster)', { timeout: 300_000 }, () => {
  const kubeconfigFor = (name: string, o: { server?: string; caFile?: string; certFile?: string; keyFile?: string }): Promise<string> =>
    writeKubeconfig(join(cluster.dir, `${name}.kubeconfig`), {
      server: o.server ?? cluster.apiserverUrl,
      caFile: o.caFile ?? join(cluster.pkiDir, 'ca.crt'),
      user: name,
      certFile: o.certFile ?? join(cluster.pkiDir, 'admin.crt'),
      keyFile: o.keyFile ?? join(cluster.pkiDir, 'admin.key'),
    });

  it('scans the live cluster, and a snapshot collected from it gives the same findings', async () => {
    const direct = await runCli(['scan', '--kubeconfig', cluster.adminKubeconfig, '--format', 'json'], { timeoutMs: 120_000 });
    expect([0, 1], direct.stderr).toContain(direct.code);
    const out = join(cluster.dir, 'live-snapshot');
    const collect = await runCli(['collect', '--kubeconfig', cluster.adminKubeconfig, '--out', out], { timeoutMs: 120_000 });
    expect(collect.code, collect.stderr).toBe(0);
    expect(collect.stdout).toMatch(/cluster facts, \d+ RBAC objects/);
    expect(readFileSync(join(out, 'cluster.json'), 'utf8')).not.toContain(TOKEN_SECRET);
    const viaSnapshot = await runCli(['scan', '--snapshot', out, '--format', 'json'], { timeoutMs: 120_000 });
    const summary = (r: { stdout: string }): string[] =>
      (JSON.parse(r.stdout) as { findings: Finding[] }).findings.map((f) => `${f.id} ${f.host} ${f.component} ${f.evidence.flag} ${f.evidence.value} ${f.evidence.object}`);
    expect(summary(viaSnapshot)).toEqual(summary(direct));
    expect(summary(direct)).toContainEqual(`rbac/profiling ${cluster.nodeName} kube-apiserver --profiling true kube-system/Pod/kube-apiserver-${cluster.nodeName}`);
  });

  it('exits 2 naming the endpoint and the cause: unreachable server', async () => {
    const [port] = await freePorts(1);
    const kc = await kubeconfigFor('unreachable', { server: `https://127.0.0.1:${port}` });
    const r = await runCli(['scan', '--kubeconfig', kc]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`API server https://127.0.0.1:${port}: connection refused (nothing listens there)\n`);
  });

  it('exits 2 naming the endpoint and the cause: wrong CA', async () => {
    const kc = await kubeconfigFor('wrong-ca', { caFile: join(cluster.pkiDir, 'etcd/ca.crt') });
    const r = await runCli(['scan', '--kubeconfig', kc]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`API server ${cluster.apiserverUrl}: the server's certificate is not signed by the CA the kubeconfig trusts`));
  });

  it('exits 2 naming the endpoint and the cause: a client certificate the server does not accept', async () => {
    // signed by the etcd CA, which kube-apiserver's --client-ca-file does not trust
    const kc = await kubeconfigFor('foreign-cert', { certFile: join(cluster.pkiDir, 'etcd/healthcheck-client.crt'), keyFile: join(cluster.pkiDir, 'etcd/healthcheck-client.key') });
    const r = await runCli(['collect', '--kubeconfig', kc, '--out', join(cluster.dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`API server ${cluster.apiserverUrl}: credentials rejected \\(HTTP 401`));
    expect(existsSync(join(cluster.dir, 'never'))).toBe(false);
  });

  it('exits 2 naming the endpoint and the cause: an expired client certificate', async () => {
    // openssl 3.0 cannot back-date a certificate; kubeward's own PKI engine can, with the harness CA
    const { certificatePem, generateKeyPair, importKeyPair, issueCertificate, x509 } = await import('../../src/pki/x509.js');
    const { leafExtensions } = await import('../../src/pki/init.js');
    const ca = { certificate: new x509.X509Certificate(readFileSync(join(cluster.pkiDir, 'ca.crt'), 'utf8')), key: await importKeyPair(readFileSync(join(cluster.pkiDir, 'ca.key'), 'utf8')) };
    const key = await generateKeyPair('ecdsa-p256');
    const day = 86_400_000;
    const cert = await issueCertificate({
      subject: [{ O: [ADMIN_GROUP] }, { CN: ['expired-admin'] }],
      publicKey: key.publicKey,
      signer: ca,
      notBefore: new Date(Date.now() - 30 * day),
      notAfter: new Date(Date.now() - day),
      extensions: leafExtensions({ ekus: ['clientAuth'], sans: [] }, key),
    });
    const certFile = join(cluster.dir, 'expired.crt');
    const keyFile = join(cluster.dir, 'expired.key');
    writeFileSync(certFile, certificatePem(cert));
    writeFileSync(keyFile, key.privatePem, { mode: 0o600 });
    const r = await runCli(['scan', '--kubeconfig', await kubeconfigFor('expired', { certFile, keyFile })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`API server ${cluster.apiserverUrl}: credentials rejected \\(HTTP 401`));
  });

  it('exits 2 for a kubeconfig that cannot be read', async () => {
    const r = await runCli(['scan', '--kubeconfig', join(cluster.dir, 'missing.kubeconfig')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.kubeconfig');
  });

  it('gives up after the timeout with one error naming the endpoint', async () => {
    // a TCP server that accepts and never answers: the TLS handshake never completes
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const kc = await kubeconfigFor('silent', { server: `https://127.0.0.1:${port}` });
      await expect(readLiveCluster({ kubeconfig: kc, timeoutMs: 500 })).rejects.toThrow(`API server https://127.0.0.1:${port}: no answer within 0.5 s (timeout)`);
    } finally {
      silent.close();
    }
  });
});
