/**
 * `audit serve` under load: the real CLI in a child process, first with SQLite (WAL, synchronous=FULL;
 * the target), then with a real PostgreSQL server started here (figures only, when the Debian package
 * `postgresql` is installed). This process posts EventList batches of 100 events from the k8s-1.20-lab
 * log (auditIDs made unique per batch) over HTTPS with a client certificate on loopback, 8 batches in
 * flight on keep-alive connections, retrying 429/503 like the API server. Bodies are built by
 * concatenating each lab event's JSON (serialised once) around its new auditID, so the generator costs
 * little next to the server (its CPU per event is printed). Reports sustained events/s, p50/p99
 * acknowledgement latency, the server's CPU per event and peak RSS, and verifies zero loss (every
 * acknowledged (auditID, stage) is in the store).
 * Targets (SQLite): ≥ 20,000 events/s, p99 < 50 ms, zero loss.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { readAuditEvents } from '../src/audit/read.js';
import type { AuditEvent } from '../src/audit/read-types.js';
import { openStore } from '../src/audit/store.js';
import { createCa, issueCert, pkiDir, rmPki } from '../test/helpers/openssl-pki.js';
import { startPostgres } from '../test/helpers/postgres.js';

const TARGET_EVENTS_PER_S = 20_000;
const TARGET_P99_MS = 50;
const BATCH = 100;
const IN_FLIGHT = 8;
const SECONDS = Number(process.env.KUBEWARD_SERVE_BENCH_SECONDS ?? 20);
const REPO = new URL('..', import.meta.url).pathname;

const dir = pkiDir('kubeward-serve-bench-');
const ca = createCa(dir, 'ca');
const serverCert = issueCert(ca, dir, 'server', { cn: 'audit', sans: ['IP:127.0.0.1'], usage: 'server' });
const client = issueCert(ca, dir, 'client', { cn: 'kube-apiserver', usage: 'client' });

const lab: AuditEvent[] = [];
for await (const e of readAuditEvents([new URL('../test/fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname])) lab.push(e);
// Each lab event's JSON split around its auditID, so a batch is string concatenation.
const MARK = 'kubeward-bench-audit-id';
const templates = lab.map((e) => {
  const [before, after] = JSON.stringify({ ...e, auditID: MARK }).split(MARK) as [string, string];
  return { before, after, id: e.auditID ?? '', stage: e.stage ?? '' };
});
let seq = 0;
function nextBatch(): { body: string; keys: string[] } {
  const n = seq++;
  const items: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const t = templates[(n * BATCH + i) % templates.length] as (typeof templates)[number];
    const id = `${n}-${i}-${t.id}`;
    items.push(t.before + id + t.after);
    keys.push(`${id}\u0000${t.stage}`);
  }
  return { body: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items.join(',')}]}`, keys };
}

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  lost: number;
}

async function load(label: string, storeSpec: string): Promise<Figures> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli/entry.ts`, 'audit', 'serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', serverCert.cert, '--tls-key', serverCert.key, '--client-ca', ca.cert, '--store', storeSpec], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) resolve();
    });
    child.once('exit', () => reject(new Error(err)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT, ca: readFileSync(ca.cert), cert: readFileSync(client.cert), key: readFileSync(client.key) });
  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  // utime + stime of the server, all its threads (fields 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms)
  const serverCpuMs = () => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const cpuBefore = serverCpuMs();
  const generatorCpu = process.cpuUsage();
  const acked = new Set<string>();
  const latencies: number[] = [];
  let retries = 0;
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        const b = nextBatch();
        for (;;) {
          const s = performance.now();
          const status = await post(b.body);
          if (status === 200) {
            latencies.push(performance.now() - s);
            for (const k of b.keys) acked.add(k);
            break;
          }
          retries++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const rss = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
  const serverCpu = serverCpuMs() - cpuBefore;
  const { user, system } = process.cpuUsage(generatorCpu);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  agent.destroy();
  const db = await openStore(storeSpec);
  const keys = await db.keys();
  await db.close();
  const lost = [...acked].filter((k) => !keys.has(k)).length;

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const rate = acked.size / seconds;
  process.stdout.write(`audit serve (${label}): ${acked.size} events acknowledged in ${seconds.toFixed(1)} s = ${Math.round(rate)} events/s (batches of ${BATCH}, ${IN_FLIGHT} in flight, ${retries} 429/503 retried)\n`);
  process.stdout.write(`  ack latency p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms; server CPU ${((serverCpu * 1000) / acked.size).toFixed(1)} µs/event (load generator ${((user + system) / acked.size).toFixed(1)} µs/event); server peak RSS ${rss ? Math.round(Number(rss) / 1024) : '?'} MiB; lost ${lost}\n`);
  return { rate, p50: pct(50), p99: pct(99), lost };
}

process.stdout.write(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
const sqlite = await load('SQLite, WAL, synchronous=FULL', `sqlite:${join(dir, 'bench.db')}`);
process.stdout.write(`target ≥ ${TARGET_EVENTS_PER_S} events/s: ratio ${(sqlite.rate / TARGET_EVENTS_PER_S).toFixed(2)} ${sqlite.rate >= TARGET_EVENTS_PER_S ? 'MET' : 'NOT MET'}; p99 < ${TARGET_P99_MS} ms: ${sqlite.p99 < TARGET_P99_MS ? 'MET' : 'NOT MET'}; zero loss: ${sqlite.lost === 0 ? 'MET' : 'NOT MET'}\n`);
let postgres;
try {
  postgres = await startPostgres();
} catch (e) {
  process.stdout.write(`PostgreSQL skipped: ${(e as Error).message}\n`);
}
if (postgres) {
  try {
    const figures = await load('PostgreSQL, synchronous_commit=on; figures only', postgres.url);
    process.stdout.write(`  zero loss: ${figures.lost === 0 ? 'MET' : 'NOT MET'}\n`);
  } finally {
    postgres.remove();
  }
}
rmPki(dir);
