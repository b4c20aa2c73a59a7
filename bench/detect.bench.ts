/**
 * `audit detect` speed: every detection rule over the 1,000,000-event synthetic log (bench/gen-audit-log.mjs,
 * seed 42, shared with bench/audit-read.bench.ts), reader included, each run in its own process: with
 * the rules' line prefilter on one thread, then with worker threads (the default), against the bare
 * JSON.parse floor on the same file in the same run. The alerts of both runs must be the same.
 * Target (#7): ≥ 150,000 events/s; peak RSS ≤ 256 MiB.
 */
import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { benchFile, report, runChild, verdict } from './audit-read.bench.js';

{
  const file = benchFile();
  const mb = statSync(file).size / 1e6;
  const floor = runChild('floor', file);
  const one = runChild('detect-1t', file);
  const many = runChild('detect', file);
  const out = (s: string): boolean => process.stdout.write(s);
  out(`file: ${file} (${mb.toFixed(0)} MB); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores\n`);
  out(report('floor (split + JSON.parse + filter)', floor, mb));
  out(report('audit detect, one thread', one, mb, { name: 'floor', result: floor }));
  out(report('audit detect, worker threads', many, mb, { name: 'floor', result: floor }));
  const alerts = (c: typeof one): string => JSON.stringify((c.detail as { alerts: unknown }).alerts);
  out(`alerts by rule: ${alerts(many)} (${alerts(one) === alerts(many) ? 'same' : 'DIFFERENT'} with one thread)\n`);
  out(`lines parsed: ${JSON.stringify((many.detail as { parsed: number }).parsed)} of ${many.events}\n`);
  out(verdict('audit detect, one thread', one, floor));
  out(verdict('audit detect, worker threads', many, floor));
}
