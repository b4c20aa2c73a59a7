/**
 * `rbac generate` pipeline speed on the 1,000,000-event synthetic log (see audit-read.bench.ts) for the
 * target service account (51,492 events): read with the username prefilter, fold into usage, generate,
 * verify. Compared in the same run with the JSON.parse floor with the same prefilter
 * (bench/node-parse-floor.mjs --prefilter) and with audit2rbac's measured 68.6–80.0 s here.
 * Targets: ≥ 150,000 events/s over the whole file, wall ≤ 1.3× the prefiltered floor, peak RSS ≤ 256 MiB.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchFile, child, maxRssMiB, runChild, TARGET_USER, type ChildResult } from './audit-read.bench.js';

async function generateChild(file: string): Promise<void> {
  const t0 = performance.now();
  const { readAuditBatches, emptyReadStats } = await import('../src/audit/read.js');
  const gen = await import('../src/rbac/generate.js');
  const stats = emptyReadStats();
  const usage = await gen.collectUsage(readAuditBatches([file], { stats, contains: [TARGET_USER] }), gen.subjectMatcher([TARGET_USER]));
  const set = gen.generateRbac(usage);
  const verify = gen.verifyGenerated(usage, set);
  const rules = set.subjects.reduce((n, s) => n + s.roles.reduce((m, r) => m + r.rules.length, 0), 0);
  const objects = gen.toObjects(set).length;
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, events: stats.lines, maxRssMiB: maxRssMiB(), detail: { matched: usage.events, distinct: usage.subjects.get(TARGET_USER)?.allowed.size, rules, objects, verify: verify.map((v) => `${v.allowed}/${v.checked}`) } })}\n`);
}

function main(): void {
  const file = benchFile();
  const mb = statSync(file).size / 1e6;
  const self = fileURLToPath(import.meta.url);
  const floor = runChild(self, 'floor-prefilter', file);
  const gen = runChild(self, 'generate', file);
  const rate = (c: ChildResult): string => `${Math.round(c.events / c.seconds).toLocaleString('en')} events/s, ${(mb / c.seconds).toFixed(0)} MB/s`;
  process.stdout.write(`file: ${file} (${mb.toFixed(0)} MB)\n`);
  process.stdout.write(`floor with prefilter:            ${floor.seconds.toFixed(2)} s, ${rate(floor)}, peak RSS ${floor.maxRssMiB} MiB ${JSON.stringify(floor.detail)}\n`);
  process.stdout.write(`rbac generate ${TARGET_USER}: ${gen.seconds.toFixed(2)} s, ${rate(gen)}, peak RSS ${gen.maxRssMiB} MiB ${JSON.stringify(gen.detail)}\n`);
  const ratio = gen.seconds / floor.seconds;
  const eps = gen.events / gen.seconds;
  process.stdout.write(`target: ≥ 150,000 events/s (${eps >= 150_000 ? 'met' : 'MISSED'}), wall ≤ 1.3× floor: ${ratio.toFixed(2)}× (${ratio <= 1.3 ? 'met' : 'MISSED'}), peak RSS ≤ 256 MiB (${gen.maxRssMiB <= 256 ? 'met' : 'MISSED'})\n`);
  process.stdout.write(`vs audit2rbac (68.6–80.0 s here): ${(68.6 / gen.seconds).toFixed(0)}–${(80 / gen.seconds).toFixed(0)}× faster\n`);
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  const mode = process.argv[i + 1] as string;
  const file = process.argv[i + 2] as string;
  if (mode === 'generate') await generateChild(file);
  else await child(mode, file);
} else main();
