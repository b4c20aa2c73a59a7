import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atOrAbove, type Finding } from '../../src/model/finding.js';
import type { ScanResult } from '../../src/model/result.js';
import { runCli } from '../helpers/cli.js';

const INSECURE = 'examples/kubeadm-insecure';
const HARDENED = 'examples/hardened';
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kubeward-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function parse(stdout: string): ScanResult {
  return JSON.parse(stdout) as ScanResult;
}

describe('kubeward scan', () => {
  it('prints findings grouped by practice and exits 1 on the insecure example', async () => {
    const r = await runCli(['scan', '--node-root', INSECURE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`kubeward 0.1.0: ${INSECURE} (Kubernetes 1.29.3)`);
    expect(r.stdout).toMatch(/^(TLS everywhere|RBAC and audit|Authentication|etcd isolation|Encryption at rest).*: \d+ findings?$/m);
    expect(r.stdout).toContain('Communication graph');
    expect(r.stdout).toContain('Result: findings at or above high');
  });

  it('exits 0 with nothing at or above --fail-on, 1 otherwise (JSON says why)', async () => {
    const hardened = await runCli(['scan', '--node-root', HARDENED, '--format', 'json']);
    expect(hardened.code).toBe(0);
    expect(parse(hardened.stdout).summary.failed).toBe(false);

    const critical = await runCli(['scan', '--node-root', INSECURE, '--format', 'json', '--fail-on', 'critical']);
    const result = parse(critical.stdout);
    const anyCritical = result.findings.some((f: Finding) => atOrAbove(f.severity, 'critical'));
    expect(result.summary.failOn).toBe('critical');
    expect(critical.code).toBe(anyCritical ? 1 : 0);

    const info = await runCli(['scan', '--node-root', INSECURE, '--format', 'json', '--fail-on', 'info']);
    expect(info.code).toBe(1);
  });

  it('--practice runs only that practice (and the input checks)', async () => {
    const r = await runCli(['scan', '--node-root', INSECURE, '--format', 'json', '--practice', 'tls', '--fail-on', 'info']);
    const result = parse(r.stdout);
    for (const f of result.findings) expect(f.practice === 'tls' || f.id.startsWith('input/')).toBe(true);
  });

  it('--output writes the report atomically and nothing to stdout', async () => {
    const out = join(tmp, 'report.sarif');
    await writeFile(out, 'old report');
    const r = await runCli(['scan', '--node-root', INSECURE, '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const sarif = JSON.parse(await readFile(out, 'utf8')) as { version: string; runs: unknown[] };
    expect(sarif.version).toBe('2.1.0');
    expect((await readdir(tmp)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('an unwritable --output is exit 2, and leaves nothing behind', async () => {
    const out = join(tmp, 'no-such-dir', 'report.xml');
    const r = await runCli(['scan', '--node-root', HARDENED, '--format', 'junit', '--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${out}`);
    expect(existsSync(out)).toBe(false);
  });

  it('bad usage is exit 2 with one line on stderr', async () => {
    for (const args of [
      ['scan', '--node-root', HARDENED, '--format', 'xml'],
      ['scan', '--node-root', HARDENED, '--fail-on', 'severe'],
      ['scan', '--node-root', HARDENED, '--practice', 'dns'],
      ['scan', '--node-root', HARDENED, '--kubernetes-version', 'banana'],
      ['scan', '--node-root'],
      ['scan', '--bogus'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  it('--format html writes the self-contained HTML report, with the exit code of the findings', async () => {
    const r = await runCli(['scan', '--node-root', HARDENED, '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout).toContain('Content-Security-Policy');
  });

  it('unreadable input: exit 2 when nothing could be read', async () => {
    const missing = await runCli(['scan', '--node-root', join(tmp, 'missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(tmp, 'missing'));
    expect(missing.stderr).toContain('nothing could be read');

    const noSnapshot = await runCli(['scan', '--snapshot', join(tmp, 'no-snapshot')]);
    expect(noSnapshot.code).toBe(2);
    expect(noSnapshot.stderr).toContain(join(tmp, 'no-snapshot'));

    const empty = join(tmp, 'empty');
    await mkdir(empty);
    const r = await runCli(['scan', '--node-root', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing could be read');
  });

  it('scanning a snapshot of a node gives the findings of scanning the node', async () => {
    const snapshot = join(tmp, 'snapshot');
    const collected = await runCli(['collect', '--node-root', INSECURE, '--out', snapshot]);
    expect(collected.code, collected.stderr).toBe(0);
    const key = (f: Finding) => `${f.id} ${f.host} ${f.component} ${f.severity} ${f.evidence.file ?? ''}:${f.evidence.line ?? ''} ${f.detail ?? ''}`;
    const fromSnapshot = await runCli(['scan', '--snapshot', snapshot, '--format', 'json']);
    const fromNode = await runCli(['scan', '--node-root', INSECURE, '--format', 'json']);
    expect(fromSnapshot.code).toBe(fromNode.code);
    expect(parse(fromSnapshot.stdout).findings.map(key)).toEqual(parse(fromNode.stdout).findings.map(key));
    expect(parse(fromSnapshot.stdout).target).toBe(snapshot);
  });

  it('an unreachable live cluster is exit 2, naming the server', async () => {
    const kubeconfig = join(tmp, 'kubeconfig');
    // port 1 on loopback: nothing listens there
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {}\n',
    );
    const r = await runCli(['scan', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('https://127.0.0.1:1');
  });

  it('one unreadable input among readable ones: the scan goes on and reports it', async () => {
    const missing = join(tmp, 'gone');
    const r = await runCli(['scan', '--node-root', HARDENED, '--node-root', missing, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(missing);
    const result = parse(r.stdout);
    expect(result.findings.some((f) => f.id === 'input/unreadable' && (f.detail ?? '').includes(missing))).toBe(true);
  });

  it('a malformed manifest is told on stderr with its file, and the rest is scanned', async () => {
    const root = join(tmp, 'broken-node');
    await mkdir(join(root, 'etc/kubernetes/manifests'), { recursive: true });
    await writeFile(join(root, 'etc/hostname'), 'broken-1\n');
    await writeFile(join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command: [kube-apiserver\n');
    await writeFile(
      join(root, 'etc/kubernetes/manifests/kube-scheduler.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-scheduler\nspec:\n  containers:\n  - name: kube-scheduler\n    image: registry.k8s.io/kube-scheduler:v1.29.3\n    command:\n    - kube-scheduler\n    - --kubeconfig=/etc/kubernetes/scheduler.conf\n',
    );
    const r = await runCli(['scan', '--node-root', root, '--format', 'json', '--fail-on', 'critical']);
    expect(r.code).not.toBe(2);
    expect(r.stderr).toContain('kube-apiserver.yaml');
    const result = parse(r.stdout);
    expect(result.findings.some((f) => f.id === 'input/unreadable' && f.evidence.file === 'etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(true);
  });

  it.skipIf(existsSync('/etc/kubernetes'))('without inputs on a machine that is no control-plane node: usage error', async () => {
    const r = await runCli(['scan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to scan');
  });

  it('junit output through the CLI', async () => {
    const r = await runCli(['scan', '--node-root', HARDENED, '--format', 'junit']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  });
});

describe('kubeward graph', () => {
  it('prints the links as text and JSON', async () => {
    const text = await runCli(['graph', '--node-root', INSECURE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/kube-apiserver@cp-1 → etcd@cp-1/);
    const json = await runCli(['graph', '--node-root', INSECURE, '--format', 'json']);
    expect(json.code).toBe(0);
    const graph = JSON.parse(json.stdout) as ScanResult['graph'];
    expect(Object.keys(graph)).toEqual(['nodes', 'links']);
    expect(graph.links.some((l) => l.kind === 'apiserver-etcd')).toBe(true);
  });

  it('unreadable input is exit 2', async () => {
    const r = await runCli(['graph', '--node-root', join(tmp, 'nope')]);
    expect(r.code).toBe(2);
  });
});
