/**
 * 200 loopback endpoints probed at once: open TLS servers, closed ports and silent ports (accept
 * TCP, never answer) that can only end by timeout. Target: total wall ≤ one timeout + 1 s, i.e.
 * the silent ones wait in parallel and nothing queues behind them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeContext } from '../src/probes/context.js';
import { runProbes } from '../src/probes/run.js';
import type { Endpoint } from '../src/probes/target.js';

const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 2000);
const COUNTS = { open: Number(process.env.OPEN ?? 80), closed: Number(process.env.CLOSED ?? 60), silent: Number(process.env.SILENT ?? 60) };

const dir = mkdtempSync(join(tmpdir(), 'kubeward-bench-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '30', '-subj', '/CN=bench', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });

/**
 * The servers run in a child process: on a real network their handshake work happens on other
 * machines, so it must not count against the prober's CPU here.
 */
const SERVERS = `
const fs = require('fs'); const net = require('net'); const tls = require('tls');
const key = fs.readFileSync(process.argv[1] + '/k.pem'), cert = fs.readFileSync(process.argv[1] + '/c.pem');
const listen = (srv) => new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv.address().port)));
(async () => {
  const open = [], silent = [];
  for (let i = 0; i < ${COUNTS.open}; i++) {
    const srv = tls.createServer({ key, cert }, (s) => s.on('error', () => {}).end());
    srv.on('tlsClientError', () => {});
    open.push(await listen(srv));
  }
  for (let i = 0; i < ${COUNTS.silent}; i++) silent.push(await listen(net.createServer(() => {})));
  process.stdout.write(JSON.stringify({ open, silent }) + '\\n');
})();
`;
const child = spawn(process.execPath, ['-e', SERVERS, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = await new Promise<{ open: number[]; silent: number[] }>((resolve) => {
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    if (buf.includes('\n')) resolve(JSON.parse(buf) as { open: number[]; silent: number[] });
  });
});

const endpoints: Endpoint[] = [];
for (const port of ports.open) endpoints.push({ host: '127.0.0.1', port, kind: 'tls' });
for (let i = 0; i < COUNTS.closed; i++) {
  const srv = createServer();
  const port = await new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
  await new Promise((r) => srv.close(r));
  endpoints.push({ host: '127.0.0.1', port, kind: 'tls' });
}
for (const port of ports.silent) endpoints.push({ host: '127.0.0.1', port, kind: 'tls' });

const ctx = await probeContext({ timeoutMs: TIMEOUT_MS });
const started = performance.now();
const cpu0 = process.cpuUsage();
const results = await runProbes(endpoints, ctx, endpoints.length);
const wall = performance.now() - started;
const cpu = process.cpuUsage(cpu0);

const handshakes = results.filter((r) => r.evidence.kind === 'tls-handshake');
const count = (pred: (r: (typeof handshakes)[number]) => boolean) => handshakes.filter(pred).length;
const target = TIMEOUT_MS + 1000;
console.log(`endpoints: ${endpoints.length} (open TLS ${COUNTS.open}, closed ${COUNTS.closed}, silent ${COUNTS.silent}); timeout ${TIMEOUT_MS} ms; concurrency ${endpoints.length}`);
console.log(`results: ${results.length} rows; handshakes ok ${count((r) => r.evidence.details?.handshake === 'ok')}, closed ${count((r) => r.evidence.details?.reach === 'closed')}, silent ${count((r) => r.evidence.details?.handshake === 'silent')}`);
console.log(`wall: ${wall.toFixed(0)} ms; target ≤ ${target} ms (one timeout + 1 s); ratio wall/target ${(wall / target).toFixed(2)}`);
console.log(`prober CPU: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms user+sys during the run (${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0)}% of one core); machine load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
console.log(`baseline (one endpoint after another would need ≥ ${COUNTS.silent} × ${TIMEOUT_MS} ms = ${COUNTS.silent * TIMEOUT_MS} ms for the silent ones alone): ${((COUNTS.silent * TIMEOUT_MS) / wall).toFixed(0)}× faster`);
child.kill();
rmSync(dir, { recursive: true, force: true });
const ok = wall <= target && count((r) => r.evidence.details?.handshake === 'ok') === COUNTS.open;
if (!ok) console.log('FAILED: over target or not every open endpoint completed its handshake');
process.exit(ok ? 0 : 1);
