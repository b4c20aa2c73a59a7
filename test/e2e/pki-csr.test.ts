/**
 * Against the real kube-apiserver v1.20.2 (+ kube-controller-manager, which signs approved CSRs):
 * kubelet-serving CSRs created as a node identity (client certificate system:node:n1 in
 * system:nodes) and judged by `kubeward pki approve-csrs`: one for n1's own addresses (approved,
 * then signed), one that also asks for n2's address (denied), one under --watch; the live inventory;
 * and `kubeward pki renew` of the running API server's certificates followed by a restart.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryReport } from '../../src/pki/inventory-run.js';
import { REPO, runCli } from '../helpers/cli.js';
import { startCluster, type ClientIdentity, type Cluster } from './harness.js';

let cluster: Cluster;
let node1: ClientIdentity;

function nodeObject(name: string, ip: string): string {
  // the API server keeps status on create for Nodes (pkg/registry/core/node/strategy.go: PrepareForCreate)
  return `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\nstatus:\n  addresses:\n  - {type: InternalIP, address: "${ip}"}\n  - {type: Hostname, address: ${name}}\n`;
}

function csrObject(name: string, san: string): string {
  const dir = cluster.dir;
  const csrFile = join(dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', csrFile, '-subj', '/O=system:nodes/CN=system:node:n1', '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
  const request = readFileSync(csrFile).toString('base64');
  return `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: ${name}\nspec:\n  signerName: kubernetes.io/kubelet-serving\n  usages: [digital signature, key encipherment, server auth]\n  request: ${request}\n`;
}

interface CsrStatus {
  status?: { conditions?: { type: string; reason?: string; message?: string }[]; certificate?: string };
  spec: { username: string; groups: string[] };
}

async function csrStatus(name: string): Promise<CsrStatus> {
  return JSON.parse(await cluster.kubectlRun(['get', 'csr', name, '-o', 'json'])) as CsrStatus;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  cluster = await startCluster({ controllerManager: true });
  await cluster.kubectlRun(['create', '-f', '-'], { input: `${nodeObject('n1', '10.0.0.11')}---\n${nodeObject('n2', '10.0.0.12')}` });
  node1 = await cluster.createClientCertUser('system:node:n1', ['system:nodes']);
  await cluster.kubectlRun(['create', '-f', '-'], { kubeconfig: node1.kubeconfig, input: csrObject('serving-good', 'DNS:n1,IP:10.0.0.11') });
  await cluster.kubectlRun(['create', '-f', '-'], { kubeconfig: node1.kubeconfig, input: csrObject('serving-steal', 'DNS:n1,IP:10.0.0.11,IP:10.0.0.12') });
}, 600_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('pki approve-csrs against a real API server', () => {
  it('the CSRs carry the node identity the API server authenticated', async () => {
    const s = await csrStatus('serving-good');
    expect(s.spec.username).toBe('system:node:n1');
    expect(s.spec.groups).toContain('system:nodes');
  });

  it('--dry-run says what it would do and records nothing', async () => {
    const r = await runCli(['pki', 'approve-csrs', '--kubeconfig', cluster.adminKubeconfig, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('would approve serving-good');
    expect(r.stdout).toMatch(/would deny serving-steal: .*10\.0\.0\.12/);
    expect((await csrStatus('serving-good')).status?.conditions ?? []).toEqual([]);
  });

  it('approves the node\'s own addresses (then the controller-manager signs it) and denies another node\'s address', async () => {
    const r = await runCli(['pki', 'approve-csrs', '--kubeconfig', cluster.adminKubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('approved serving-good');
    expect(r.stdout).toContain('denied serving-steal');
    const steal = await csrStatus('serving-steal');
    expect(steal.status?.conditions).toEqual([expect.objectContaining({ type: 'Denied', reason: 'KubewardNotNodeAddresses', message: expect.stringContaining('10.0.0.12') as unknown })]);
    expect(steal.status?.certificate).toBeUndefined();
    const good = await until('the signed certificate', async () => {
      const s = await csrStatus('serving-good');
      return s.status?.certificate ? s : undefined;
    });
    expect(good.status?.conditions?.[0]).toMatchObject({ type: 'Approved', reason: 'KubewardNodeAddresses' });
    const pem = Buffer.from(good.status!.certificate!, 'base64').toString('utf8');
    const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
    expect(text).toContain('DNS:n1, IP Address:10.0.0.11');
    expect(text).toContain('TLS Web Server Authentication');
  });

  it('--watch approves a new CSR as it arrives and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli/entry.ts`, 'pki', 'approve-csrs', '--watch', '--kubeconfig', cluster.adminKubeconfig], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await cluster.kubectlRun(['create', '-f', '-'], { kubeconfig: node1.kubeconfig, input: csrObject('serving-watched', 'IP:10.0.0.11') });
      const s = await until('the watched CSR to be approved', async () => {
        const st = await csrStatus('serving-watched');
        return st.status?.conditions?.length ? st : undefined;
      });
      expect(s.status?.conditions?.[0]?.type, out).toBe('Approved');
      expect(out).toContain('approved serving-watched');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('pki inventory --kubeconfig (live)', () => {
  it('lists the kubeconfig\'s certificates and those issued through CSRs', async () => {
    const r = await runCli(['pki', 'inventory', '--kubeconfig', cluster.adminKubeconfig, '--format', 'json']);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(r.stdout) as InventoryReport;
    const issued = report.items.find((i) => i.location === 'CertificateSigningRequest/serving-good');
    expect(issued?.cert.sans).toEqual(['DNS:n1', 'IP:10.0.0.11']);
    expect(issued?.usedBy).toEqual(['issued to system:node:n1 (kubernetes.io/kubelet-serving)']);
    // signed by the cluster CA, which the admin kubeconfig names
    expect(issued?.chain).toBe('verified');
    expect(report.items.some((i) => i.cert.subject === 'O=kubeward:cluster-admins, CN=kubeward-admin')).toBe(true);
    expect(report.openCsrs?.map((c) => c.name)).toContain('serving-steal');
  });
});

function servingSerial(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().serialNumber.toLowerCase());
      s.end();
    });
    s.on('error', reject);
  });
}

describe('pki renew on the running control plane', () => {
  it('reissues the API server\'s serving and etcd-client certificates; it restarts on them and serves the new one', async () => {
    const before = await servingSerial(cluster.apiserverUrl);
    const r = await runCli(['pki', 'renew', '--pki-dir', cluster.pkiDir, '--only', 'apiserver,apiserver-etcd-client', '--days', '90']);
    expect(r.code, r.stderr).toBe(0);
    await cluster.restartApiserver();
    const after = await servingSerial(cluster.apiserverUrl);
    expect(after).not.toBe(before);
    expect(after).toBe(execFileSync('openssl', ['x509', '-in', join(cluster.pkiDir, 'apiserver.crt'), '-noout', '-serial'], { encoding: 'utf8' }).trim().split('=')[1]!.toLowerCase());
    // reaching etcd with the renewed client certificate: a write goes through
    await cluster.kubectlRun(['create', 'namespace', 'after-renew']);
    expect(await cluster.etcdKeys('/registry/namespaces/after-renew')).toHaveLength(1);
  });
});
