#!/usr/bin/env node
// One measurement of the audit benches (audit-read, detect, generate) in a process of its own, so its
// peak RSS and CPU time (process.resourceUsage(): every thread, workers included) are its own.
// Usage: node audit-child.mjs MODE FILE ENGINE_DIR   (MODE: floor, floor-prefilter, read, generate[-1t], detect[-1t])
// ENGINE_DIR is dist/src (compiled, run with plain node, as the CLI runs) or src (run with --import tsx).
import { pathToFileURL, URL } from 'node:url';
import console from 'node:console';
import process from 'node:process';
import { performance } from 'node:perf_hooks';

const [mode, file, engineDir] = process.argv.slice(2);
const TARGET_USER = 'system:serviceaccount:ci:deployer';
const ext = engineDir.endsWith('dist/src') ? '.js' : '.ts';
const load = (path) => import(pathToFileURL(`${engineDir}/${path}${ext}`).href);
const t0 = performance.now();

function measured(events, detail) {
  const u = process.resourceUsage();
  // maxRSS in KiB, times in µs
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - t0) / 1000, events, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssMiB: Math.round(u.maxRSS / 1024), detail })}\n`);
}

if (mode === 'floor' || mode === 'floor-prefilter') {
  // the floor script reads its arguments at import time and prints one JSON line
  const log = console.log;
  let out = '';
  console.log = (s) => (out = s);
  process.argv = [process.argv[0], 'node-parse-floor.mjs', file, TARGET_USER, ...(mode === 'floor-prefilter' ? ['--prefilter'] : [])];
  await import(new URL('./node-parse-floor.mjs', import.meta.url).href);
  console.log = log;
  const r = JSON.parse(out);
  measured(r.lines, r);
} else {
  const read = await load('audit/read');
  const stats = read.emptyReadStats();
  const parallel = mode.endsWith('-1t') ? { threads: 1 } : {};
  if (mode === 'read') {
    let events = 0;
    for await (const batch of read.readAuditBatches([file], { stats })) events += batch.length;
    measured(stats.lines, { events, problems: stats.problems });
  } else if (mode.startsWith('generate')) {
    const gen = await load('rbac/generate');
    const usage = await gen.collectUsage(read.readAuditBatches([file], { stats, parallel, contains: [TARGET_USER] }), gen.subjectMatcher([TARGET_USER]));
    const set = gen.generateRbac(usage);
    const verify = gen.verifyGenerated(usage, set);
    const rules = set.subjects.reduce((n, s) => n + s.roles.reduce((m, r) => m + r.rules.length, 0), 0);
    measured(stats.lines, { matched: usage.events, distinct: usage.subjects.get(TARGET_USER)?.allowed.size, rules, objects: gen.toObjects(set).length, verify: verify.map((v) => `${v.allowed}/${v.checked}`), parsed: stats.events, workerRanges: stats.workerRanges });
  } else if (mode.startsWith('detect')) {
    const { detectEvents } = await load('audit/detect');
    const summary = await detectEvents(read.readAuditEvents([file], { stats, parallel }));
    const alerts = {};
    for (const a of summary.alerts) alerts[a.rule.replace(/^audit\//, '')] = (alerts[a.rule.replace(/^audit\//, '')] ?? 0) + 1;
    measured(stats.lines, { parsed: stats.events, workerRanges: stats.workerRanges, alerts });
  } else throw new Error(`unknown mode ${mode}`);
}
