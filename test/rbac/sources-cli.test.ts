/** The rbac commands read RBAC from snapshots as well as from files: the same answers either way. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRbacFiles } from '../../src/rbac/load.js';
import { writeSnapshot } from '../../src/sources/snapshot.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = ['test/fixtures/rbac/k8s-bootstrap', 'test/fixtures/rbac/flux2'];
const dir = mkdtempSync(join(tmpdir(), 'kubeward-rbac-snap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rbac over a snapshot', () => {
  it('can-i and who-can answer from a snapshot as from the files it was made of', async () => {
    const snap = join(dir, 'cluster');
    await writeSnapshot({ hosts: [], problems: [], partial: [], rbac: await readRbacFiles(FIXTURES) }, snap);
    const ask = ['can-i', 'get', 'secrets', '-n', 'flux-system', '--as', 'system:serviceaccount:flux-system:kustomize-controller'];
    const fromFiles = await runCli(['rbac', ...ask, ...FIXTURES.flatMap((f) => ['--rbac', f])]);
    const fromSnap = await runCli(['rbac', ...ask, '--snapshot', snap]);
    expect(fromSnap.code, fromSnap.stderr).toBe(fromFiles.code);
    expect(fromSnap.stdout).toBe(fromFiles.stdout);
    const who = await runCli(['rbac', 'who-can', 'create', 'clusterrolebindings', '--snapshot', snap]);
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout).toContain('system:masters');
  });

  it('a missing snapshot is a clear input error (exit 2)', async () => {
    const r = await runCli(['rbac', 'can-i', 'get', 'pods', '--as', 'alice', '--snapshot', join(dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope');
  });
});
