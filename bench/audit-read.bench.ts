/**
 * Audit-log reader speed on the 1,000,000-event synthetic log (1.02 GB; bench/gen-audit-log.mjs, seed 42,
 * generated into the temp folder once and reused), against the bare JSON.parse floor
 * (bench/node-parse-floor.mjs: split lines, JSON.parse each, filter one user) on the same file in the same run.
 * Each measurement runs in its own process so its peak RSS is its own.
 * Targets: ≥ 150,000 events/s, wall ≤ 1.3× the floor, peak RSS ≤ 256 MiB. audit2rbac: ~13,000–15,000 events/s.
 * KUBEWARD_AUDIT_BENCH_FILE=path uses another file; KUBEWARD_AUDIT_BENCH_EVENTS=n generates a smaller one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TARGET_EVENTS_PER_S = 150_000;
const TARGET_FLOOR_RATIO = 1.3;
const TARGET_RSS_MIB = 256;
export const TARGET_USER = 'system:serviceaccount:ci:deployer';

export interface ChildResult {
  seconds: number;
  events: number;
  maxRssMiB: number;
  detail?: unknown;
}

/** The synthetic log, generated once (about 30 s). */
export function benchFile(): string {
  const fromEnv = process.env.KUBEWARD_AUDIT_BENCH_FILE;
  if (fromEnv) return fromEnv;
  const events = Number(process.env.KUBEWARD_AUDIT_BENCH_EVENTS ?? 1_000_000);
  const file = join(tmpdir(), `kubeward-synthetic-${events}.log`);
  if (!existsSync(file)) {
    process.stdout.write(`generating ${file} (${events} events)...\n`);
    const r = spawnSync(process.execPath, [join(HERE, 'gen-audit-log.mjs'), '--events', String(events), '--seed', '42', '--out', `${file}.tmp`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('gen-audit-log.mjs failed');
    spawnSync('mv', [`${file}.tmp`, file]);
  }
  return file;
}

/** Runs `script --child mode file` in a fresh process and returns what it measured. */
export function runChild(script: string, mode: string, file: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`${mode} failed: ${r.stderr}${r.stdout}`);
  return JSON.parse(last) as ChildResult;
}

export function maxRssMiB(): number {
  // resourceUsage().maxRSS is in KiB
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  if (mode === 'floor' || mode === 'floor-prefilter') {
    // the floor script reads its arguments at import time and prints one JSON line
    const log = console.log;
    let out = '';
    console.log = (s: string) => (out = s);
    process.argv = [process.argv[0] as string, 'node-parse-floor.mjs', file, TARGET_USER, ...(mode === 'floor-prefilter' ? ['--prefilter'] : [])];
    await import(pathToFileURL(join(HERE, 'node-parse-floor.mjs')).href);
    console.log = log;
    const r = JSON.parse(out) as { lines: number };
    process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, events: r.lines, maxRssMiB: maxRssMiB(), detail: r })}\n`);
    return;
  }
  const { readAuditBatches, emptyReadStats } = await import('../src/audit/read.js');
  const stats = emptyReadStats();
  let events = 0;
  for await (const batch of readAuditBatches([file], { stats })) events += batch.length;
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, events, maxRssMiB: maxRssMiB(), detail: { problems: stats.problems, lines: stats.lines } })}\n`);
}

function main(): void {
  const file = benchFile();
  const mb = statSync(file).size / 1e6;
  const self = fileURLToPath(import.meta.url);
  const floor = runChild(self, 'floor', file);
  const read = runChild(self, 'read', file);
  const rate = (c: ChildResult): string => `${Math.round(c.events / c.seconds).toLocaleString('en')} events/s, ${(mb / c.seconds).toFixed(0)} MB/s`;
  process.stdout.write(`file: ${file} (${mb.toFixed(0)} MB, ${read.events.toLocaleString('en')} events)\n`);
  process.stdout.write(`floor (split + JSON.parse + filter): ${floor.seconds.toFixed(2)} s, ${rate(floor)}, peak RSS ${floor.maxRssMiB} MiB\n`);
  process.stdout.write(`readAuditBatches (every event):      ${read.seconds.toFixed(2)} s, ${rate(read)}, peak RSS ${read.maxRssMiB} MiB\n`);
  const ratio = read.seconds / floor.seconds;
  const eps = read.events / read.seconds;
  process.stdout.write(`target: ≥ ${TARGET_EVENTS_PER_S.toLocaleString('en')} events/s (${eps >= TARGET_EVENTS_PER_S ? 'met' : 'MISSED'}), wall ≤ ${TARGET_FLOOR_RATIO}× floor: ${ratio.toFixed(2)}× (${ratio <= TARGET_FLOOR_RATIO ? 'met' : 'MISSED'}), peak RSS ≤ ${TARGET_RSS_MIB} MiB (${read.maxRssMiB <= TARGET_RSS_MIB ? 'met' : 'MISSED'})\n`);
  process.stdout.write(`vs audit2rbac (~14,000 events/s here): ${(eps / 14_000).toFixed(1)}×\n`);
}

// generate.bench.ts imports the helpers above: only run when started as this file
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--child');
  if (i >= 0) await child(process.argv[i + 1] as string, process.argv[i + 2] as string);
  else main();
}
