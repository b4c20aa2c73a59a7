/**
 * The built CLI (bin/kubeward.js → the dist/cli bundle for scan and graph) prints exactly what the
 * sources print. Runs after `npm run build` (npm test builds first); skipped when the build is missing
 * or older than the sources (a developer running vitest alone).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';

function buildIsCurrent(): boolean {
  const bundle = `${REPO}dist/cli/entry.js`;
  if (!existsSync(bundle) || !existsSync(`${REPO}dist/src/cli/entry.js`)) return false;
  const builtAt = statSync(bundle).mtimeMs;
  const sources = readdirSync(`${REPO}src`, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
  return sources.every((f) => statSync(`${REPO}src/${f}`).mtimeMs <= builtAt);
}

const built = buildIsCurrent();

describe.skipIf(!built)('built CLI', () => {
  it('scan and graph from the bundle match the sources', async () => {
    for (const args of [
      ['scan', '--node-root', 'examples/kubeadm-insecure', '--format', 'json'],
      ['scan', '--node-root', 'examples/hardened', '--format', 'sarif'],
      ['graph', '--node-root', 'examples/kubeadm-insecure', '--format', 'json'],
    ]) {
      const fromBin = spawnSync(process.execPath, [`${REPO}bin/kubeward.js`, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
      const fromSource = await runCli(args);
      expect(fromBin.status, args.join(' ')).toBe(fromSource.code);
      expect(fromBin.stdout.toString(), args.join(' ')).toBe(fromSource.stdout);
    }
  });

  it('usage errors from the bundle are exit 2', () => {
    const r = spawnSync(process.execPath, [`${REPO}bin/kubeward.js`, 'scan', '--fail-on', 'severe'], { cwd: REPO });
    expect(r.status).toBe(2);
  });
});
