/**
 * Audit-log reading on the 1,000,000-event synthetic log (1.02 GB; bench/gen-audit-log.mjs, seed 42,
 * generated into the temp folder once and reused), in one run: the bare JSON.parse floor
 * (bench/node-parse-floor.mjs: split lines, JSON.parse each, filter one user), the floor with the
 * username prefilter, the reader parsing every event, `rbac generate` for one service account (reader
 * prefilter + worker threads) and `audit detect` with every rule (rules' prefilter + worker threads).
 * Each runs in its own process, so its peak RSS (process.resourceUsage().maxRSS, worker threads
 * included) and CPU time are its own. Engines are loaded from dist/ when it is current (npm run bench
 * builds first), else from the sources through tsx.
 * Targets (#6, #7): ≥ 150,000 events/s, wall ≤ 1.3× the floor, peak RSS ≤ 256 MiB. audit2rbac: ~13,000–15,000 events/s here.
 * KUBEWARD_AUDIT_BENCH_FILE=path uses another file; KUBEWARD_AUDIT_BENCH_EVENTS=n generates a smaller one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '..');
export const TARGET_EVENTS_PER_S = 150_000;
export const TARGET_FLOOR_RATIO = 1.3;
export const TARGET_RSS_MIB = 256;
export const AUDIT2RBAC_EVENTS_PER_S = 14_000;
export const TARGET_USER = 'system:serviceaccount:ci:deployer';

export interface ChildResult {
  seconds: number;
  /** lines of the file (every line is one event) */
  events: number;
  cpuSeconds: number;
  maxRssMiB: number;
  detail?: unknown;
  engines?: string;
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

/** Where the engines are loaded from: dist/src when every audit/rbac source is compiled and current, else src. */
function engineDir(): string {
  const sources = ['audit/read.ts', 'audit/read-lines.ts', 'audit/parallel.ts', 'audit/parallel-range.ts', 'audit/parallel-worker.ts', 'audit/detect.ts', 'rbac/generate.ts'];
  const current = sources.every((f) => {
    const built = join(REPO, 'dist/src', f.replace(/\.ts$/, '.js'));
    return existsSync(built) && statSync(built).mtimeMs >= statSync(join(REPO, 'src', f)).mtimeMs;
  });
  return join(REPO, current ? 'dist/src' : 'src');
}

/** Runs one measurement (bench/audit-child.mjs) in a fresh process: plain node for compiled engines, as the CLI runs. */
export function runChild(mode: string, file: string): ChildResult {
  const dir = engineDir();
  const tsx = dir.endsWith('dist/src') ? [] : ['--import', 'tsx'];
  const r = spawnSync(process.execPath, [...tsx, join(HERE, 'audit-child.mjs'), mode, file, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`${mode} failed: ${r.stderr}${r.stdout}`);
  return { ...(JSON.parse(last) as ChildResult), engines: dir.endsWith('dist/src') ? 'dist' : 'src (tsx)' };
}

/** One line per measurement: wall, events/s, MB/s, peak RSS, CPU, ratio to a baseline and to audit2rbac. */
export function report(name: string, c: ChildResult, mb: number, baseline?: { name: string; result: ChildResult }): string {
  const eps = c.events / c.seconds;
  const vsFloor = baseline ? `, ${(c.seconds / baseline.result.seconds).toFixed(2)}× ${baseline.name} wall` : '';
  return `${name.padEnd(34)} ${c.seconds.toFixed(2).padStart(6)} s  ${Math.round(eps).toLocaleString('en').padStart(9)} events/s  ${(mb / c.seconds).toFixed(0).padStart(4)} MB/s  peak RSS ${String(c.maxRssMiB).padStart(3)} MiB  CPU ${c.cpuSeconds.toFixed(1)} s${vsFloor}, ${(eps / AUDIT2RBAC_EVENTS_PER_S).toFixed(1)}× audit2rbac\n`;
}

/** "met"/"MISSED" for the three targets of a job against its floor. */
export function verdict(name: string, c: ChildResult, floor: ChildResult): string {
  const eps = c.events / c.seconds;
  const ratio = c.seconds / floor.seconds;
  return `${name}: ≥ ${TARGET_EVENTS_PER_S.toLocaleString('en')} events/s ${eps >= TARGET_EVENTS_PER_S ? 'met' : 'MISSED'}; wall ≤ ${TARGET_FLOOR_RATIO}× floor (${ratio.toFixed(2)}×) ${ratio <= TARGET_FLOOR_RATIO ? 'met' : 'MISSED'}; peak RSS ≤ ${TARGET_RSS_MIB} MiB ${c.maxRssMiB <= TARGET_RSS_MIB ? 'met' : 'MISSED'}\n`;
}

function main(): void {
  const file = benchFile();
  const mb = statSync(file).size / 1e6;
  const floor = runChild('floor', file);
  const floorPre = runChild('floor-prefilter', file);
  const read = runChild('read', file);
  const generate = runChild('generate', file);
  const detect = runChild('detect', file);
  const out = (s: string): boolean => process.stdout.write(s);
  out(`file: ${file} (${mb.toFixed(0)} MB, ${floor.events.toLocaleString('en')} events); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores\n`);
  out(`engines from ${read.engines ?? '?'}\n`);
  out(report('floor (split + JSON.parse + filter)', floor, mb));
  out(report('floor with username prefilter', floorPre, mb, { name: 'floor', result: floor }));
  out(report('reader, every event parsed', read, mb, { name: 'floor', result: floor }));
  out(report(`rbac generate ${TARGET_USER.replace('system:serviceaccount:', 'sa:')}`, generate, mb, { name: 'prefiltered floor', result: floorPre }));
  out(`  ${JSON.stringify(generate.detail)}\n`);
  out(report('audit detect, every rule', detect, mb, { name: 'floor', result: floor }));
  out(`  ${JSON.stringify(detect.detail)}\n`);
  out(verdict('reader (every event)', read, floor));
  out(verdict('rbac generate (#6)', generate, floorPre));
  out(verdict('audit detect (#7)', detect, floor));
}

// detect.bench.ts and generate.bench.ts import the helpers above: only run when started as this file
if (process.argv[1] === fileURLToPath(import.meta.url)) main();
