import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/errors.js';
import type { ControlPlane } from '../../src/model/control-plane.js';
import { loadControlPlane } from '../../src/scan.js';
import { readNodeRoot } from '../../src/sources/node-root.js';
import { readSnapshot, SNAPSHOT_FORMAT_VERSION, writeSnapshot } from '../../src/sources/snapshot.js';
import { REPO, runCli } from '../helpers/cli.js';
import { controlPlane } from '../helpers/fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubeward-snapshot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(tmp, `s${++n}`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function model(): ControlPlane {
  return controlPlane('v1.29.3')
    .host('cp-1', (h) =>
      h
        .apiserver(['--anonymous-auth=false', '--authorization-mode=Node,RBAC', '--client-ca-file=/etc/kubernetes/pki/ca.crt'])
        .kubelet([], { config: { authentication: { anonymous: { enabled: false } } } })
        .file('etc/kubernetes/pki/ca.crt', { mode: 0o644 }),
    )
    .with((cp) => {
      cp.cluster = {
        server: 'https://10.0.0.1:6443',
        webhooks: [{ configuration: 'w', kind: 'validating', name: 'w.example', url: 'http://w.example', hasCaBundle: false, object: 'ValidatingWebhookConfiguration/w' }],
        apiServices: [],
        nodes: [{ name: 'cp-1', roles: ['control-plane'], taints: [], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], object: 'Node/cp-1' }],
        csrs: [],
        bootstrapTokens: [{ id: 'abcdef', expiration: '2030-01-01T00:00:00Z', usages: ['authentication'], extraGroups: [], object: 'kube-system/Secret/bootstrap-token-abcdef' }],
      };
      cp.rbac = [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [] }];
      cp.problems.push({ host: 'cp-1', message: 'kubelet on cp-1: configz could not be read' });
      cp.partial.push('Roles could not be read: forbidden');
      cp.scannedAt = '2026-11-28T12:00:00.000Z';
    })
    .build();
}

describe('snapshots', () => {
  it('round-trips the model; facts read back are cited as snapshot facts at their original file, line and object', async () => {
    const dir = fresh();
    const cp = model();
    const manifest = await writeSnapshot(cp, dir);
    expect(manifest).toMatchObject({ format: 'kubeward-snapshot', formatVersion: SNAPSHOT_FORMAT_VERSION, collectedAt: cp.scannedAt, hosts: [{ name: 'cp-1', file: 'hosts/cp-1.json' }] });
    expect(readdirSync(dir).sort()).toEqual(['cluster.json', 'hosts', 'manifest.json', 'rbac.json']);
    for (const f of filesUnder(dir)) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    const back = await readSnapshot(dir);
    expect(back.cluster).toEqual(cp.cluster);
    expect(back.rbac).toEqual(cp.rbac);
    expect(back.version).toEqual(cp.version);
    expect(back.problems).toEqual(cp.problems);
    expect(back.partial).toEqual(cp.partial);
    expect(back.scannedAt).toBe(cp.scannedAt);
    const host = back.hosts[0]!;
    expect(host.root).toBe(dir);
    expect(host.files['etc/kubernetes/pki/ca.crt']?.mode).toBe(0o644);
    const api = host.components.find((c) => c.kind === 'kube-apiserver')!;
    const original = cp.hosts[0]!.components.find((c) => c.kind === 'kube-apiserver')!;
    expect(api.flags['anonymous-auth']?.at).toEqual({ ...original.flags['anonymous-auth']!.at, kind: 'snapshot' });
    expect(api.flags['anonymous-auth']?.value).toBe('false');
    const kubelet = host.components.find((c) => c.kind === 'kubelet')!;
    expect(kubelet.config?.fields['authentication.anonymous.enabled']?.at.kind).toBe('snapshot');
  });

  it('carries no private key, token or encryption secret of the node root it was made from', async () => {
    const root = join(REPO, 'examples/kubeadm-insecure');
    const secrets: string[] = [];
    for (const f of filesUnder(root)) {
      const text = readFileSync(f, 'utf8');
      // every base64 line of every PEM private key
      for (const m of text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]*?)-----END/g)) secrets.push(...m[1]!.split('\n').filter((l) => l.length >= 40));
      for (const m of text.matchAll(/client-key-data:\s*(\S+)/g)) secrets.push(m[1]!.slice(0, 60));
      for (const m of text.matchAll(/^\s*secret:\s*(\S+)/gm)) secrets.push(m[1]!);
      if (f.endsWith('.csv')) for (const line of text.split('\n').filter(Boolean)) secrets.push(line.split(',')[0]!);
    }
    expect(secrets.length).toBeGreaterThan(20);
    const read = await readNodeRoot(root);
    const dir = fresh();
    await writeSnapshot({ hosts: [read.host], problems: read.problems, partial: [] }, dir);
    const written = filesUnder(dir).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(written).not.toMatch(/PRIVATE KEY/);
    for (const s of secrets) expect(written.includes(s), `a secret of the node root (${s.slice(0, 6)}…) is in the snapshot`).toBe(false);
    // the facts are there: key fingerprints, file modes, the number of static tokens
    expect(written).toMatch(/publicKeyFingerprint/);
    expect(written).toMatch(/"entryCount": 2/);
  });

  it('refuses to write a PEM private key that slipped into the model, and writes nothing', async () => {
    const dir = fresh();
    const cp = model();
    cp.hosts[0]!.files['etc/x.yaml'] = { path: 'etc/x.yaml', exists: true, document: { leaked: '-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----' } };
    await expect(writeSnapshot(cp, dir)).rejects.toThrow(/PEM private key/);
    expect(readdirSync(tmp).filter((f) => f.includes(`s${n}`))).toEqual([]);
  });

  it('replaces an older snapshot but not a folder with other content', async () => {
    const dir = fresh();
    await writeSnapshot(model(), dir);
    const cp = model();
    cp.hosts[0]!.name = 'cp-9';
    await writeSnapshot(cp, dir);
    expect(readdirSync(join(dir, 'hosts'))).toEqual(['cp-9.json']);
    const other = fresh();
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(writeSnapshot(model(), other)).rejects.toBeInstanceOf(InputError);
    expect(readdirSync(other)).toEqual(['notes.txt']);
  });

  it('names the file and the cause when a snapshot cannot be read', async () => {
    const missing = fresh();
    mkdirSync(missing);
    await expect(readSnapshot(missing)).rejects.toThrow(new RegExp(`snapshot ${missing}/manifest.json: .*ENOENT`));
    const dir = fresh();
    await writeSnapshot(model(), dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 99 }));
    await expect(readSnapshot(dir)).rejects.toThrow(/format version 99 is not supported/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'hosts/cp-1.json'), '{"name": "cp-1"');
    await expect(readSnapshot(dir)).rejects.toThrow(/hosts\/cp-1\.json: not valid JSON/);
  });

  it('merges the hosts of several snapshots in a scan', async () => {
    const a = fresh();
    const b = fresh();
    await writeSnapshot(model(), a);
    const other = model();
    other.hosts[0]!.name = 'cp-2';
    for (const c of other.hosts[0]!.components) c.host = 'cp-2';
    await writeSnapshot(other, b);
    const cp = await loadControlPlane({ nodeRoots: [], snapshots: [a, b] });
    expect(cp.hosts.map((h) => h.name)).toEqual(['cp-1', 'cp-2']);
  });
});

describe('kubeward collect --node-root', () => {
  it('writes a snapshot that `scan --snapshot` reads like the node root itself', async () => {
    const root = join(REPO, 'examples/kubeadm-insecure');
    const out = fresh();
    const collect = await runCli(['collect', '--node-root', root, '--out', out]);
    expect(collect.code, collect.stderr).toBe(0);
    expect(collect.stdout).toMatch(/^wrote snapshot .*: 1 host/);
    const direct = await runCli(['scan', '--node-root', root, '--format', 'json']);
    const viaSnapshot = await runCli(['scan', '--snapshot', out, '--format', 'json']);
    const ids = (r: { stdout: string }): string[] =>
      (JSON.parse(r.stdout) as { findings: { id: string; host: string; evidence: { file: string | null; line: number | null } }[] }).findings.map((f) => `${f.id} ${f.host} ${f.evidence.file}:${f.evidence.line}`);
    expect(ids(viaSnapshot)).toEqual(ids(direct));
  });

  it('exits 2 without inputs, and when --out holds something else', async () => {
    expect((await runCli(['collect', '--out', fresh()])).code).toBe(2);
    const other = fresh();
    mkdirSync(other);
    writeFileSync(join(other, 'keep'), 'x');
    const r = await runCli(['collect', '--node-root', join(REPO, 'examples/kubeadm-insecure'), '--out', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not an empty folder or a kubeward snapshot/);
  });
});
