/**
 * `audit detect` speed: every detection rule over the 1,000,000-event synthetic log (bench/gen-audit-log.mjs,
 * seed 42, shared with bench/audit-read.bench.ts), reader included, in a child process so its peak RSS
 * is its own; compared with the bare reader on the same file in the same run (the rules' own cost).
 * Target: ≥ 150,000 events/s.
 */
import { fileURLToPath } from 'node:url';
import { benchFile, maxRssMiB, runChild } from './audit-read.bench.js';

const TARGET_EVENTS_PER_S = 150_000;
const SELF = fileURLToPath(import.meta.url);

async function childRun(mode: string, file: string): Promise<void> {
  const { readAuditEvents } = await import('../src/audit/read.js');
  const { createDetector } = await import('../src/audit/detect.js');
  const detector = mode === 'detect' ? createDetector() : undefined;
  const t0 = performance.now();
  let events = 0;
  const byRule: Record<string, number> = {};
  for await (const e of readAuditEvents([file])) {
    events++;
    if (detector) for (const a of detector.process(e)) byRule[a.rule] = (byRule[a.rule] ?? 0) + 1;
  }
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, events, maxRssMiB: maxRssMiB(), detail: byRule })}\n`);
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  await childRun(process.argv[i + 1] ?? '', process.argv[i + 2] ?? '');
} else {
  const file = benchFile();
  const read = runChild(SELF, 'read', file);
  const detect = runChild(SELF, 'detect', file);
  const rate = detect.events / detect.seconds;
  const readRate = read.events / read.seconds;
  process.stdout.write(`detect: ${detect.events} events in ${detect.seconds.toFixed(2)} s = ${Math.round(rate)} events/s, peak RSS ${detect.maxRssMiB} MiB\n`);
  process.stdout.write(`reader alone: ${Math.round(readRate)} events/s (rules cost ${((detect.seconds / read.seconds - 1) * 100).toFixed(0)}% over reading)\n`);
  process.stdout.write(`alerts by rule: ${JSON.stringify(detect.detail)}\n`);
  process.stdout.write(`target ≥ ${TARGET_EVENTS_PER_S} events/s: ratio ${(rate / TARGET_EVENTS_PER_S).toFixed(2)} ${rate >= TARGET_EVENTS_PER_S ? 'MET' : 'NOT MET'}\n`);
}
