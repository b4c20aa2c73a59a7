/**
 * `rbac generate` over a log read by worker threads equals the single-thread result exactly: the usage
 * fold (counts, first/last seen, sample auditIDs, skipped counters, the dedupe by auditID) and the
 * generated RBAC, including requests whose stages, or whole repeated lines, fall in different ranges.
 * Also end to end: the CLI from the sources (workers through tsx) and the built CLI (compiled workers)
 * on a log large enough to be read in parallel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyReadStats, readAuditBatches, type ReadAuditOptions } from '../../src/audit/read.js';
import { PARALLEL_MIN_BYTES } from '../../src/audit/parallel.js';
import { collectUsage, generateRbac, renderGenerated, subjectMatcher } from '../../src/rbac/generate.js';
import { runCli } from '../helpers/cli.js';
import { writeSyntheticAuditLog } from '../helpers/synthetic-audit.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LAB = `${REPO}test/fixtures/audit/k8s-1.20-lab/dev-audit.log`;
const SUBJECTS = ['system:serviceaccount:ci:deployer', 'system:serviceaccount:monitoring:prometheus', 'oidc:alice@example.test'];

let dir: string;
let mixed: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeward-generate-parallel-'));
  const synthetic = writeSyntheticAuditLog(join(dir, 'synthetic.log'), 20_000, 3);
  const lab = (await readFile(LAB, 'utf8')).split('\n').filter(Boolean);
  // far apart, in other ranges: the lab's requests again (same auditIDs: duplicates to skip), and each
  // request's ResponseComplete before its first stages (the dedupe must keep the first in file order)
  const completes = lab.filter((l) => l.includes('"stage":"ResponseComplete"'));
  mixed = join(dir, 'mixed.log');
  await writeFile(mixed, [...completes.slice(0, 400), (await readFile(synthetic, 'utf8')).trimEnd(), ...lab, 'garbage between', ...lab.slice(0, 900)].join('\n'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function usage(file: string, opts: ReadAuditOptions) {
  const stats = emptyReadStats();
  const u = await collectUsage(readAuditBatches([file], { ...opts, stats, prefilter: SUBJECTS.map((s) => [s]), onProblem: () => undefined }), subjectMatcher(SUBJECTS));
  return { usage: u, stats };
}

describe('rbac generate: worker threads = one thread', () => {
  it('usage and generated RBAC identical with duplicates and stages across ranges', async () => {
    const one = await usage(mixed, { parallel: { threads: 1 } });
    expect(one.usage.skipped.duplicate).toBeGreaterThan(150);
    for (const rangeBytes of [20_000, 300_000]) {
      const many = await usage(mixed, { parallel: { minBytes: 0, threads: 2, rangeBytes } });
      expect(many.stats.workerRanges).toBeGreaterThan(1);
      expect(many.usage).toEqual(one.usage);
      expect(renderGenerated(generateRbac(many.usage), 'yaml')).toBe(renderGenerated(generateRbac(one.usage), 'yaml'));
      expect(many.stats.problems).toBe(one.stats.problems);
    }
  });
});

describe('rbac generate CLI on a log read in parallel', () => {
  let big: string;
  beforeAll(() => {
    // just over the size from which files are read by workers
    big = writeSyntheticAuditLog(join(dir, 'big.log'), Math.ceil(PARALLEL_MIN_BYTES / 1000) + 2000, 5);
    expect(statSync(big).size).toBeGreaterThan(PARALLEL_MIN_BYTES);
  });

  it('sources (tsx workers) and the built CLI (compiled workers) print what one thread generates', async () => {
    const stats = emptyReadStats();
    const expected = renderGenerated(generateRbac(await collectUsage(readAuditBatches([big], { stats, contains: ['system:serviceaccount:ci:deployer'], parallel: { threads: 1 } }), subjectMatcher(['system:serviceaccount:ci:deployer']))), 'yaml');
    const args = ['rbac', 'generate', '--audit-log', big, '--serviceaccount', 'ci:deployer'];
    const fromSource = await runCli(args, { timeoutMs: 120_000 });
    expect(fromSource.code, fromSource.stderr).toBe(0);
    expect(fromSource.stdout).toBe(expected);
    const built = `${REPO}dist/src/audit/parallel-worker.js`;
    const current = existsSync(built) && ['read.ts', 'parallel.ts', 'parallel-range.ts', 'read-lines.ts'].every((f) => statSync(`${REPO}src/audit/${f}`).mtimeMs <= statSync(built).mtimeMs);
    if (!current) return;
    const fromBin = spawnSync(process.execPath, [`${REPO}bin/kubeward.js`, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(fromBin.status, fromBin.stderr).toBe(0);
    expect(fromBin.stdout).toBe(expected);
  }, 180_000);
});
