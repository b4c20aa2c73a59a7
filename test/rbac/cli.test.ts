/** `kubeward rbac ...` end to end through the real CLI (spawned from sources). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FIX = 'test/fixtures/rbac';
const BOOT = ['--rbac', `${FIX}/k8s-bootstrap`];
const EDGE = ['--rbac', 'test/rbac/edge-cases.yaml'];

describe('kubeward rbac can-i', () => {
  it('yes / exit 0, with the deciding rule under --explain', async () => {
    const r = await runCli(['rbac', 'can-i', 'get', '/healthz', '--as', 'system:anonymous', '--explain', ...BOOT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^yes\n/);
    expect(r.stdout).toContain('ClusterRoleBinding/system:public-info-viewer');
    expect(r.stdout).toMatch(/cluster-roles\.yaml:\d+/);
  });
  it('no / exit 1', async () => {
    const r = await runCli(['rbac', 'can-i', 'list', 'secrets', '-A', '--as', 'alice', ...BOOT]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('no\n');
  });
  it('resolves short names and groups like kubectl; --raw does not', async () => {
    const ok = await runCli(['rbac', 'can-i', 'list', 'deploy', '-n', 'edge', '--as', 'edge-user', ...EDGE]);
    expect(ok.code).toBe(0);
    const raw = await runCli(['rbac', 'can-i', 'list', 'deploy.apps', '-n', 'edge', '--as', 'edge-user', '--raw', ...EDGE]);
    // like kubectl, a denial carries the authorizer's reason (here: the missing roles RBAC skipped)
    expect(raw.stdout).toMatch(/^no - RBAC: .*not found\n$/);
    // the edge role lists "Deployments" in group "Apps" and verb "GET": only the literal question matches
    const literal = await runCli(['rbac', 'can-i', 'GET', 'Deployments.Apps', '-n', 'edge', '--as', 'edge-user', '--raw', ...EDGE]);
    expect(literal.stdout).toBe('yes\n');
  });
  it('--as implies system:authenticated; --raw takes groups exactly', async () => {
    const implied = await runCli(['rbac', 'can-i', 'get', '/api', '--as', 'alice', ...BOOT]);
    expect(implied.stdout).toBe('yes\n');
    const raw = await runCli(['rbac', 'can-i', 'get', '/api', '--as', 'alice', '--raw', ...BOOT]);
    expect(raw.stdout).toBe('no\n');
  });
  it('service accounts get their groups; subresources and resourceNames count', async () => {
    const sa = await runCli(['rbac', 'can-i', 'create', 'pods', '--subresource', 'exec', '-n', 'edge', '--as', 'system:serviceaccount:edge:anything', ...EDGE]);
    expect(sa.stdout).toBe('yes\n');
    const named = await runCli(['rbac', 'can-i', 'get', 'secrets/edge-a', '-n', 'x', '--as', 'edge-user', ...EDGE]);
    expect(named.stdout).toBe('yes\n');
    const unnamed = await runCli(['rbac', 'can-i', 'list', 'secrets', '-n', 'x', '--as', 'edge-user', ...EDGE]);
    expect(unnamed.stdout).toBe('no\n');
  });
  it('warns about unknown types on stderr, like kubectl', async () => {
    const r = await runCli(['rbac', 'can-i', 'get', 'widgets.example.com', '--as', 'edge-viewer', ...EDGE]);
    expect(r.stdout).toBe('yes\n');
    expect(r.stderr).toMatch(/Warning: .*widgets/);
  });
  it('bad YAML: exit 2 naming file and line; no --rbac: exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-rbac-cli-'));
    writeFileSync(join(dir, 'bad.yaml'), 'kind: Role\nmetadata:\n  name: [x\n');
    const bad = await runCli(['rbac', 'can-i', 'get', 'pods', '--as', 'a', '--rbac', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:\d+: /);
    const none = await runCli(['rbac', 'can-i', 'get', 'pods', '--as', 'a']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--rbac/);
  });
});

describe('kubeward rbac who-can / matrix / risks / paths', () => {
  it('who-can lists subjects with binding, role and rule (json)', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'flux-system', '--format', 'json', ...BOOT, '--rbac', `${FIX}/flux2`]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { subjects: { subject: { kind: string; namespace: string; name: string }; binding: { name: string } }[] };
    expect(j.subjects.some((s) => s.subject.name === 'kustomize-controller' && s.binding.name === 'cluster-reconciler')).toBe(true);
  });
  it('matrix: a resource × verb table for one user', async () => {
    const r = await runCli(['rbac', 'matrix', '--as', 'edge-user', '-n', 'edge', '--format', 'json', ...EDGE]);
    const m = JSON.parse(r.stdout) as { rows: { resource: string; verbs: Record<string, boolean> }[] };
    expect(m.rows.find((x) => x.resource === 'deployments.apps')?.verbs).toMatchObject({ get: false, list: true, create: false });
    const text = await runCli(['rbac', 'matrix', '--as', 'edge-user', '-n', 'edge', '--only-allowed', ...EDGE]);
    expect(text.stdout).toContain('deployments.apps');
  });
  it('risks: findings in the standard report, exit 1 at or above --fail-on', async () => {
    const r = await runCli(['rbac', 'risks', '--format', 'json', ...BOOT, '--rbac', `${FIX}/flux2`]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { findings: { id: string; severity: string; evidence: { file: string | null; line: number | null } }[] };
    const r1 = j.findings.find((f) => f.id === 'rbac/risk-wildcard-admin');
    expect(r1?.severity).toBe('critical');
    expect(r1?.evidence.line).toBeGreaterThan(0);
  });
  it('paths: the shortest way to full authority with evidence; exit 0 when none', async () => {
    const r = await runCli(['rbac', 'paths', '--from', 'ServiceAccount:flux-system:source-controller', ...BOOT, '--rbac', `${FIX}/flux2`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('can request a token for ServiceAccount flux-system/kustomize-controller');
    const none = await runCli(['rbac', 'paths', '--from', 'User:nobody', ...BOOT]);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/no escalation path/);
  });
});
