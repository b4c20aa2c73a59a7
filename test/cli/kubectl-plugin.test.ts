/**
 * `kubectl ward ...`: kubectl runs executables named kubectl-<name> found on PATH as plugins; the
 * package installs bin/kubeward.js as kubectl-ward. Needs a kubectl and a build (npm test builds).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const built = existsSync(`${REPO}dist/src/cli/entry.js`);

describe.skipIf(!kubectl || !built)('kubectl plugin', () => {
  it('kubectl ward scan runs kubeward', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeward-plugin-'));
    try {
      await symlink(`${REPO}bin/kubeward.js`, join(dir, 'kubectl-ward'));
      const PATH = [dir, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
      const r = spawnSync('kubectl', ['ward', 'scan', '--node-root', 'examples/hardened', '--format', 'json'], { cwd: REPO, env: { ...process.env, PATH } });
      expect(r.status, r.stderr.toString()).toBe(0);
      const out = JSON.parse(r.stdout.toString()) as { tool: string; target: string };
      expect(out).toMatchObject({ tool: 'kubeward', target: 'examples/hardened' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
