/**
 * Encryption at rest against a real kube-apiserver v1.20.2 (the e2e harness): the byte format the
 * real server writes, decrypted with the configured key; a full aescbc key1 → key2 rotation of 500
 * Secrets with the harness's restart as the restart hook, killed (SIGKILL) in the middle of the
 * rewrite and resumed; and identity → aescbc migration of Secrets that were stored in plain text.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEncryptionConfig } from '../../src/encryption/config.js';
import { decryptPayload } from '../../src/encryption/decrypt.js';
import { classifyValue } from '../../src/encryption/format.js';
import { apiClient } from '../../src/encryption/rewrite.js';
import { applyRotation, readState, type RotateOptions } from '../../src/encryption/rotate.js';
import { countOn, encryptionStatus } from '../../src/encryption/status.js';
import { REPO, runCli } from '../helpers/cli.js';
import { aescbcEncryptionConfig, startCluster, type Cluster } from './harness.js';

const N = 500;

function configPath(c: Cluster): string {
  const f = c.apiserverFlags.find((x) => x.startsWith('--encryption-provider-config='));
  if (!f) throw new Error('no --encryption-provider-config');
  return f.slice(f.indexOf('=') + 1);
}

function etcdOf(c: Cluster): NonNullable<RotateOptions['etcd']> {
  return { conn: { endpoints: [c.etcd.endpoint], cacert: c.etcd.caFile, cert: c.etcd.certFile, key: c.etcd.keyFile } };
}

async function createSecrets(c: Cluster, n: number, ns = 'default'): Promise<Map<string, string>> {
  const data = new Map<string, string>();
  const items = Array.from({ length: n }, (_, i) => {
    const name = `s-${String(i).padStart(4, '0')}`;
    const value = `value-${i}-${Math.random().toString(36).slice(2)}`;
    data.set(`${ns}/${name}`, value);
    return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: { v: value } };
  });
  await c.kubectlRun(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  return data;
}

/** Every secret, through the API, decoded: namespace/name → data.v. */
async function readBack(c: Cluster, ns = 'default'): Promise<Map<string, string>> {
  const list = JSON.parse(await c.kubectlRun(['get', 'secrets', '-n', ns, '-o', 'json'])) as { items: { metadata: { name: string; namespace: string }; data?: { v?: string } }[] };
  const out = new Map<string, string>();
  for (const s of list.items) if (s.data?.v) out.set(`${s.metadata.namespace}/${s.metadata.name}`, Buffer.from(s.data.v, 'base64').toString());
  return out;
}

describe('encryption rotation against kube-apiserver v1.20.2', () => {
  let cluster: Cluster;
  let work: string;
  let original: Map<string, string>;

  beforeAll(async () => {
    cluster = await startCluster({ encryptionConfig: aescbcEncryptionConfig() });
    work = mkdtempSync(join(tmpdir(), 'kubeward-rotate-'));
    original = await createSecrets(cluster, N);
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the real server writes k8s:enc:aescbc:v1:key1: and the configured key opens it', async () => {
    const key = '/registry/secrets/default/s-0007';
    const value = (await cluster.etcdGet(key))!;
    const f = classifyValue(value);
    expect(f).toMatchObject({ provider: 'aescbc', key: 'key1' });
    const secret = readEncryptionConfig(configPath(cluster)).providers[0]![0]!.keys[0]!.secret;
    const plain = decryptPayload('aescbc', secret, value.subarray(f.payloadOffset), key)!;
    expect(classifyValue(plain)).toMatchObject({ provider: 'identity', encoding: 'protobuf' });
    expect(plain.includes(Buffer.from(original.get('default/s-0007')!))).toBe(true);
  });

  it('rotates key1 → key2; killed during the rewrite and resumed, nothing is lost and key1 is removed', async () => {
    const stateFile = join(work, 'state.json');
    const config = configPath(cluster);
    const base: RotateOptions = {
      configs: [config],
      resources: ['secrets'],
      stateFile,
      newKeyName: 'key2',
      restart: () => cluster.restartApiserver(),
      api: () => apiClient(cluster.adminKubeconfig),
      etcd: etcdOf(cluster),
    };
    // add → restart → promote → restart, then stop before the rewrite
    const before = await applyRotation({ ...base, until: 'rewrite' });
    expect(before.stage).toBe('rewrite');
    const cfg = readEncryptionConfig(config);
    expect(cfg.providers[0]![0]!.keys.map((k) => k.name)).toEqual(['key2', 'key1']);
    expect(existsSync(join(work, 'kubeward-backups'))).toBe(true);

    // the rewrite in a child process (the real CLI), SIGKILLed once it has saved some progress
    const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli/entry.ts`, 'encryption', 'rotate', 'apply', '--config', config, '--state', stateFile, '--kubeconfig', cluster.adminKubeconfig, '--page-size', '20'], { cwd: REPO, stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    for (;;) {
      const s = readState(stateFile);
      if ((s?.rewrite.secrets?.rewritten ?? 0) > 0 || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const mid = readState(stateFile)!;
    expect(mid.stage).toBe('rewrite');
    expect(mid.rewrite.secrets!.rewritten).toBeGreaterThan(0);
    expect(mid.rewrite.secrets!.rewritten).toBeLessThan(N);
    const midStatus = await encryptionStatus({ conn: etcdOf(cluster).conn, resources: ['secrets'] });
    expect(countOn(midStatus, 'aescbc', 'key1')).toBeGreaterThan(0);

    // resume: rewrite the rest → verify in etcd → remove key1 → restart
    const done = await applyRotation(base);
    expect(done.stage).toBe('done');
    const after = await encryptionStatus({ conn: etcdOf(cluster).conn, resources: ['secrets'], config: readEncryptionConfig(config) });
    expect(countOn(after, 'aescbc', 'key1')).toBe(0);
    expect(after.resources[0]!.verified!.failed.count).toBe(0);
    expect(readEncryptionConfig(config).providers[0]![0]!.keys.map((k) => k.name)).toEqual(['key2']);
    // every Secret reads back through the API (the server now only knows key2) with its data
    expect(await readBack(cluster)).toEqual(original);
  }, 600_000);
});

describe('identity → aescbc migration against kube-apiserver v1.20.2', () => {
  let cluster: Cluster;
  let work: string;
  const identityFirst = [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '  - resources: [secrets]',
    '    providers:',
    '      - identity: {}',
    '',
  ].join('\n');

  beforeAll(async () => {
    cluster = await startCluster({ encryptionConfig: identityFirst });
    work = mkdtempSync(join(tmpdir(), 'kubeward-migrate-'));
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('plaintext Secrets end up on aescbc, identity removed, data intact', async () => {
    const original = await createSecrets(cluster, 50, 'kube-public');
    const config = configPath(cluster);
    expect(classifyValue((await cluster.etcdGet('/registry/secrets/kube-public/s-0001'))!).provider).toBe('identity');
    // the scan of the node's files, fed with what etcd holds, cites the plaintext Secrets
    const e = cluster.etcd;
    const scan = await runCli(['encryption', 'status', '--etcd-endpoints', e.endpoint, '--etcd-cacert', e.caFile, '--etcd-cert', e.certFile, '--etcd-key', e.keyFile, '--scan-node-root', cluster.nodeRoot, '--format', 'json']);
    const findings = (JSON.parse(scan.stdout) as { findings: { id: string; detail?: string; evidence: { source: string } }[] }).findings.filter((f) => f.id === 'encryption/etcd-contents');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ evidence: { source: 'etcd' } });
    expect(findings[0]!.detail).toMatch(/^5\d of 5\d secrets are stored in plain text/);
    expect(scan.code).toBe(1);
    const done = await applyRotation({
      configs: [config],
      resources: ['secrets'],
      stateFile: join(work, 'state.json'),
      restart: () => cluster.restartApiserver(),
      api: () => apiClient(cluster.adminKubeconfig),
      etcd: etcdOf(cluster),
    });
    expect(done).toMatchObject({ stage: 'done', from: { provider: 'identity' }, to: { provider: 'aescbc' } });
    const cfg = readEncryptionConfig(config);
    expect(cfg.providers[0]!.map((p) => p.type)).toEqual(['aescbc']);
    const s = await encryptionStatus({ conn: etcdOf(cluster).conn, resources: ['secrets'], config: cfg });
    expect(s.resources[0]!.plaintext.count).toBe(0);
    expect(s.resources[0]!.verified!.ok).toBe(s.resources[0]!.total);
    expect(await readBack(cluster, 'kube-public')).toEqual(original);
    expect(readFileSync(config, 'utf8')).not.toContain('identity');
  }, 600_000);

  it('aesgcm (etcd key as associated data) and secretbox values written by the real server open with the configured key', async () => {
    const config = configPath(cluster);
    // the providers already in use stay as later providers: what they wrote must stay readable
    const older = readEncryptionConfig(config).providers[0]!.filter((q) => q.type !== 'identity');
    const providerYaml = (type: string, name: string, key: Buffer): string[] => [`      - ${type}:`, '          keys:', `            - name: ${name}`, `              secret: ${key.toString('base64')}`];
    const kept = older.flatMap((q) => providerYaml(q.type, q.keys[0]!.name, q.keys[0]!.secret));
    for (const p of ['aesgcm', 'secretbox'] as const) {
      const secret = randomBytes(32);
      const mine = providerYaml(p, `${p}-k`, secret);
      writeFileSync(config, ['apiVersion: apiserver.config.k8s.io/v1', 'kind: EncryptionConfiguration', 'resources:', '  - resources: [secrets]', '    providers:', ...mine, ...kept, '      - identity: {}', ''].join('\n'), { mode: 0o600 });
      kept.unshift(...mine);
      await cluster.restartApiserver();
      await cluster.kubectlRun(['create', 'secret', 'generic', `x-${p}`, '-n', 'default', `--from-literal=v=real-${p}-value`]);
      const etcdKey = `/registry/secrets/default/x-${p}`;
      const value = (await cluster.etcdGet(etcdKey))!;
      const f = classifyValue(value);
      expect(f).toMatchObject({ provider: p, key: `${p}-k` });
      const plain = decryptPayload(p, secret, value.subarray(f.payloadOffset), etcdKey)!;
      expect(plain.includes(Buffer.from(`real-${p}-value`))).toBe(true);
      if (p === 'aesgcm') expect(decryptPayload(p, secret, value.subarray(f.payloadOffset), '/registry/secrets/default/elsewhere')).toBeUndefined();
    }
  }, 300_000);
});

