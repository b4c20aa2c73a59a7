/**
 * A kubeward-made PKI (`pki init`, ECDSA P-256) runs the real etcd with client-certificate auth and
 * the real kube-apiserver v1.20.2 with kubeadm's file names (the harness's `pkiDir` option), and
 * `pki inventory` of that running node root verifies every chain and names who uses each file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryReport } from '../../src/pki/inventory-run.js';
import { runCli } from '../helpers/cli.js';
import { startCluster, type Cluster } from './harness.js';
import { httpsRequest } from './harness/net.js';

let dir: string;
let cluster: Cluster;
const p = (f: string): string => join(cluster.pkiDir, f);
const kubeletClient = (): { caFile: string; certFile: string; keyFile: string } => ({ caFile: p('ca.crt'), certFile: p('apiserver-kubelet-client.crt'), keyFile: p('apiserver-kubelet-client.key') });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeward-e2e-pki-'));
  const pki = join(dir, 'pki');
  const made = await runCli(['pki', 'init', '--out', pki, '--apiserver-san', '127.0.0.1', '--etcd-member', 'cp-1=127.0.0.1', '--node-name', 'cp-1']);
  if (made.code !== 0) throw new Error(`pki init failed: ${made.stderr}`);
  cluster = await startCluster({ pkiDir: pki });
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kube-apiserver and etcd on a kubeward PKI', () => {
  it('serves TLS with apiserver.crt, verified by ca.crt for 127.0.0.1', async () => {
    const r = await httpsRequest(`${cluster.apiserverUrl}/readyz`, kubeletClient());
    expect(r.status).toBe(200);
  });

  it('authenticates apiserver-kubelet-client as kube-apiserver-kubelet-client in kubeadm:cluster-admins, not system:masters', async () => {
    const r = await httpsRequest(`${cluster.apiserverUrl}/api/v1/namespaces`, kubeletClient());
    // authenticated (not 401) and, with no ClusterRoleBinding for kubeadm:cluster-admins in 1.20, not authorized
    expect(r.status).toBe(403);
    expect(r.body).toContain('User \\"kube-apiserver-kubelet-client\\"');
  });

  it('does not accept a client certificate from the etcd CA (separate CAs)', async () => {
    const r = await httpsRequest(`${cluster.apiserverUrl}/api/v1/namespaces`, { caFile: p('ca.crt'), certFile: p('etcd/healthcheck-client.crt'), keyFile: p('etcd/healthcheck-client.key') });
    expect(r.status).toBe(401);
  });

  it('reaches etcd with apiserver-etcd-client: the default namespace was written', async () => {
    const r = await httpsRequest(`${cluster.apiserverUrl}/readyz?verbose`, kubeletClient());
    expect(r.body).toContain('[+]etcd ok');
    // etcd itself admits the kubeward-made healthcheck client, by the etcd CA
    const health = await httpsRequest(`${cluster.etcd.endpoint}/health`, { caFile: p('etcd/ca.crt'), certFile: p('etcd/healthcheck-client.crt'), keyFile: p('etcd/healthcheck-client.key') });
    expect(health.status).toBe(200);
  });

  it('pki inventory of the running node root: every chain verified, the etcd CA separate, each certificate with its user', async () => {
    const r = await runCli(['pki', 'inventory', '--node-root', cluster.nodeRoot, '--format', 'json']);
    const report = JSON.parse(r.stdout) as InventoryReport;
    const at = (f: string) => report.items.find((i) => i.location === `etc/kubernetes/pki/${f}`);
    for (const it of report.items) expect(it.chain, it.location).toBe(it.cert.isCA ? 'root' : 'verified');
    expect(at('apiserver.crt')).toMatchObject({ issuer: 'etc/kubernetes/pki/ca.crt', usedBy: ['kube-apiserver --tls-cert-file'], key: { matches: true } });
    expect(at('apiserver-etcd-client.crt')).toMatchObject({ issuer: 'etc/kubernetes/pki/etcd/ca.crt', usedBy: ['kube-apiserver --etcd-certfile'] });
    expect(at('etcd/server.crt')?.usedBy).toEqual(['etcd --cert-file']);
    expect(at('front-proxy-client.crt')?.issuer).toBe('etc/kubernetes/pki/front-proxy-ca.crt');
    expect(report.findings.map((f) => f.id)).not.toContain('pki/shared-etcd-ca');
    // the harness's own break-glass client (its file, and super-admin.conf that embeds it) is the one system:masters certificate
    expect(report.findings.filter((f) => f.id === 'pki/system-masters-client').map((f) => f.evidence.file)).toEqual(['etc/kubernetes/pki/super-admin.crt', 'etc/kubernetes/super-admin.conf']);
  });
});
