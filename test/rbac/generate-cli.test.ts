import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';

const LAB = 'test/fixtures/audit/k8s-1.20-lab';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeward-generate-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('kubeward rbac generate / unused', () => {
  it('generate --verify for a service account: YAML on stdout, summary and 100% on stderr', async () => {
    const r = await runCli(['rbac', 'generate', '--audit-log', `${LAB}/dev-audit.log`, '--serviceaccount', 'ci:deployer', '--verify']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout);
    expect(Array.isArray(docs) && docs.map((d) => (d.toJS() as { kind: string }).kind)).toEqual(['Role', 'Role', 'RoleBinding', 'RoleBinding']);
    expect(r.stderr).toMatch(/verify system:serviceaccount:ci:deployer: (\d+)\/\1 requests allowed \(100\.0%\)/);
    expect(r.stderr).toMatch(/denied request\(s\) not granted/);
  });

  it('--out-dir writes one file per object; --format json', async () => {
    const out = join(dir, 'out');
    const r = await runCli(['rbac', 'generate', '--audit-log', `${LAB}/dev-audit.log`, '--subject', 'system:serviceaccount:monitoring:*', '--format', 'json', '--out-dir', out]);
    expect(r.code).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['clusterrole-kubeward_system_serviceaccount_monitoring_prometheus.json', 'clusterrolebinding-kubeward_system_serviceaccount_monitoring_prometheus.json']);
    const role = JSON.parse(await readFile(join(out, files[0] as string), 'utf8')) as { metadata: { annotations: Record<string, string> } };
    expect(role.metadata.annotations['kubeward.io/rule-explanations']).toBeDefined();
  });

  it('--existing: what the given RBAC already allows is not generated', async () => {
    const r = await runCli(['rbac', 'generate', '--audit-log', `${LAB}/dev-audit.log`, '--serviceaccount', 'monitoring:prometheus', '--existing', `${LAB}/rbac.yaml`]);
    expect(r.stderr).toMatch(/prometheus: 0 rules in 0 role\(s\)/);
    expect(r.stdout).toBe('');
  });

  it('bad usage and unreadable input: exit 2 with one line', async () => {
    const noSubject = await runCli(['rbac', 'generate', '--audit-log', `${LAB}/dev-audit.log`]);
    expect(noSubject.code).toBe(2);
    expect(noSubject.stderr).toMatch(/--user NAME, --serviceaccount NS:NAME or --subject GLOB/);
    const missing = await runCli(['rbac', 'generate', '--audit-log', join(dir, 'nope.log'), '--user', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.log: cannot read the audit log/);
  });

  it('reads stdin and reports garbage lines with file:line (lines the username prefilter lets through)', async () => {
    const log = await readFile('test/fixtures/audit/audit2rbac/demo.log', 'utf8');
    const r = await runCli(['rbac', 'generate', '--audit-log', '-', '--user', 'alice', '--include-denied'], { input: `not json "alice"\n${log}{"user":{"username":"alice` });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/-:1: malformed JSON/);
    expect(r.stderr).toMatch(/-:39: malformed JSON/);
    expect(r.stdout).toMatch(/kind: Role\n/);
  });

  it('unused: findings exit 1, JSON lists unused pairs per rule', async () => {
    const r = await runCli(['rbac', 'unused', '--audit-log', `${LAB}/dev-audit.log`, '--rbac', `${LAB}/rbac.yaml`, '--serviceaccount', 'monitoring:prometheus', '--format', 'json']);
    expect(r.code).toBe(1);
    const [p] = JSON.parse(r.stdout) as { subject: string; grants: { rules: { unusedPairs: string[] }[] }[] }[];
    expect(p?.subject).toBe('system:serviceaccount:monitoring:prometheus');
    expect(p?.grants[0]?.rules[0]?.unusedPairs).toContain('get pods');
  });
});
