/**
 * `rbac generate` pipeline speed on the 1,000,000-event synthetic log (see audit-read.bench.ts) for the
 * target service account (51,492 events): read with the username prefilter, fold into usage, generate,
 * verify; on one thread, then with worker threads (the default). Compared in the same run with the
 * JSON.parse floor with the same prefilter (bench/node-parse-floor.mjs --prefilter) and with
 * audit2rbac's measured ~14,000 events/s here.
 * Targets (#6): ≥ 150,000 events/s over the whole file, wall ≤ 1.3× the prefiltered floor, peak RSS ≤ 256 MiB.
 */
import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { benchFile, report, runChild, TARGET_USER, verdict } from './audit-read.bench.js';

{
  const file = benchFile();
  const mb = statSync(file).size / 1e6;
  const floor = runChild('floor-prefilter', file);
  const one = runChild('generate-1t', file);
  const many = runChild('generate', file);
  const out = (s: string): boolean => process.stdout.write(s);
  out(`file: ${file} (${mb.toFixed(0)} MB); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores\n`);
  out(report('floor with username prefilter', floor, mb));
  out(report(`rbac generate ${TARGET_USER}, one thread`, one, mb, { name: 'prefiltered floor', result: floor }));
  out(report(`rbac generate, worker threads`, many, mb, { name: 'prefiltered floor', result: floor }));
  out(`  ${JSON.stringify(many.detail)}\n`);
  out(verdict('rbac generate, one thread', one, floor));
  out(verdict('rbac generate, worker threads', many, floor));
}
