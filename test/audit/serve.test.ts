/**
 * `audit serve` as the API server meets it: the real CLI in a child process, HTTPS with client
 * certificates made by openssl, EventList batches of the real k8s-1.20-lab log. Includes the kill -9
 * test: a client that retries like the API server's webhook backend, the server killed mid-stream and
 * restarted, and every acknowledged (auditID, stage) found in the store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEvents } from '../../src/audit/detect.js';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { openSqliteQueries } from '../../src/audit/store-sqlite.js';
import { keyOf } from '../../src/audit/store.js';
import { REPO, runCli } from '../helpers/cli.js';
import { createCa, issueCert, pkiDir, rmPki, type CertFiles } from '../helpers/openssl-pki.js';
import { freePort } from '../helpers/etcd.js';
import { batches, call, eventList, waitForHealth, type Reply } from './serve-helpers.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;

let dir: string;
let ca: CertFiles;
let server: CertFiles;
let client: CertFiles;
let foreignClient: CertFiles;
let labEvents: AuditEvent[];


interface Running {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

async function startServe(port: number, store: string, extra: string[] = ['--client-ca', ca.cert]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli/entry.ts`, 'audit', 'serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', server.cert, '--tls-key', server.key, '--store', store, ...extra], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`audit serve did not start: ${err}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`audit serve exited ${code}: ${err}`));
    });
  });
  return { child, port, stderr: () => err };
}

function stop(r: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return resolve();
    r.child.once('exit', () => resolve());
    r.child.kill(signal);
  });
}

function post(port: number, body: string, id: CertFiles | null, path = '/', token?: string): Promise<Reply> {
  return call(port, { ca, id, body, path, ...(token ? { token } : {}) });
}

beforeAll(async () => {
  dir = pkiDir('kubeward-audit-serve-');
  ca = createCa(dir, 'audit-ca');
  server = issueCert(ca, dir, 'server', { cn: 'kubeward-audit', sans: ['IP:127.0.0.1'], usage: 'server' });
  client = issueCert(ca, dir, 'apiserver', { cn: 'kube-apiserver-audit', usage: 'client' });
  const foreign = createCa(dir, 'foreign-ca');
  foreignClient = issueCert(foreign, dir, 'foreign', { cn: 'intruder', usage: 'client' });
  labEvents = [];
  for await (const e of readAuditEvents([LAB])) labEvents.push(e);
});

afterAll(() => rmPki(dir));

describe('audit serve', () => {
  it('stores every batch durably, dedupes retries, detects live; query reads it back', async () => {
    const store = join(dir, 'live.db');
    const r = await startServe(await freePort(), `sqlite:${store}`);
    try {
      for (const b of batches(labEvents, 100)) {
        const reply = await post(r.port, eventList(b), client);
        expect(reply.status).toBe(200);
      }
      // the API server retries a batch it did not see acknowledged: nothing is stored twice
      const again = await post(r.port, eventList(labEvents.slice(0, 100)), client);
      expect(again.status).toBe(200);
      expect(JSON.parse(again.body)).toEqual({ inserted: 0, duplicates: 100, alerts: 0 });
      // no client certificate, or one from another CA: refused in the TLS handshake
      await expect(post(r.port, eventList(labEvents.slice(0, 1)), null)).rejects.toThrow();
      await expect(post(r.port, eventList(labEvents.slice(0, 1)), foreignClient)).rejects.toThrow();
      expect((await post(r.port, '{"kind":"Status"}', client)).status).toBe(400);
      // not JSON, or not UTF-8: refused whole
      expect((await post(r.port, `${eventList(labEvents.slice(0, 2)).slice(0, -1)}`, client)).status).toBe(400);
    } finally {
      await stop(r);
    }
    // SIGTERM: the server closes its store (writer and checkpointer threads) and exits 0
    expect(r.child.exitCode).toBe(0);
    const db = openSqliteQueries(store);
    const keys = await db.keys();
    await db.close();
    expect(keys.size).toBe(new Set(labEvents.map((e) => keyOf(e.auditID ?? '', e.stage ?? ''))).size);

    const offline = await detectEvents(labEvents);
    const q = await runCli(['audit', 'query', '--store', `sqlite:${store}`, '--alerts', '--format', 'json']);
    expect(q.code).toBe(0);
    const stored = JSON.parse(q.stdout) as { rule: string; auditID: string }[];
    expect(stored.map((a) => `${a.rule} ${a.auditID}`)).toEqual(offline.alerts.map((a) => `${a.rule} ${a.auditID}`));

    const exec = await runCli(['audit', 'query', '--store', store, '--rule', 'pod-exec', '--format', 'json']);
    const execEvents = JSON.parse(exec.stdout) as AuditEvent[];
    // each exec request at both stages it was logged at
    expect(execEvents).toHaveLength(8);
    expect(execEvents.every((e) => e.objectRef?.subresource === 'exec')).toBe(true);
    const byUser = await runCli(['audit', 'query', '--store', store, '--user', 'oidc:bob@example.test', '--verb', 'list', '--resource', 'secrets']);
    expect(byUser.stdout.trim().split('\n')).toHaveLength(1);
    expect(byUser.stdout).toContain('oidc:bob@example.test  list secrets  403');
    const window = await runCli(['audit', 'query', '--store', store, '--namespace', 'shop-dev', '--since', '2026-11-28T13:07:50Z', '--until', '2026-11-28T13:08:00Z', '--format', 'json']);
    const inWindow = labEvents.filter((e) => e.objectRef?.namespace === 'shop-dev' && (e.requestReceivedTimestamp ?? '') >= '2026-11-28T13:07:50Z' && (e.requestReceivedTimestamp ?? '') <= '2026-11-28T13:08:00Z');
    expect((JSON.parse(window.stdout) as unknown[]).length).toBe(inWindow.length);
  }, 120_000);

  it('kill -9 mid-stream, restart: no acknowledged event is lost', async () => {
    const store = join(dir, 'crash.db');
    const port = await freePort();
    let r = await startServe(port, `sqlite:${store}`);
    const acked = new Set<string>();
    const all = batches(labEvents, 50);
    let killed = false;
    let restarted: Promise<Running> | undefined;
    for (const [i, b] of all.entries()) {
      if (i === Math.floor(all.length / 2)) {
        // the kill lands while a batch is in flight
        const inflight = post(port, eventList(b), client).catch(() => null);
        r.child.kill('SIGKILL');
        killed = true;
        await inflight;
        restarted = startServe(port, `sqlite:${store}`);
      }
      // retry like the API server's webhook backend: until a 200, backing off on errors and 429/503
      for (let attempt = 0; ; attempt++) {
        const reply = await post(port, eventList(b), client).catch(() => null);
        if (reply?.status === 200) {
          for (const e of b) acked.add(keyOf(e.auditID ?? '', e.stage ?? ''));
          break;
        }
        if (attempt > 200) throw new Error('server never came back');
        await new Promise((res) => setTimeout(res, 100));
      }
      if (restarted) {
        r = await restarted;
        restarted = undefined;
      }
    }
    expect(killed).toBe(true);
    await stop(r);
    const db = openSqliteQueries(store);
    const keys = await db.keys();
    await db.close();
    const lost = [...acked].filter((k) => !keys.has(k));
    expect(lost).toEqual([]);
    expect(acked.size).toBe(keys.size);
  }, 180_000);

  it('429 once the batches waiting for the store hold --max-in-flight-mb; a batch alone is accepted whatever its size', async () => {
    const store = join(dir, 'bytes.db');
    // room for 64 batches, but only 64 KiB of them: each batch of 50 lab events is larger than that
    const r = await startServe(await freePort(), `sqlite:${store}`, ['--client-ca', ca.cert, '--max-in-flight', '64', '--max-in-flight-mb', '0.0625']);
    const [a, b] = batches(labEvents.slice(200), 50) as [AuditEvent[], AuditEvent[]];
    expect(Buffer.byteLength(eventList(a))).toBeGreaterThan(64 * 1024);
    try {
      const locker = new Database(store);
      locker.exec('BEGIN IMMEDIATE');
      const blocked = post(r.port, eventList(a), client);
      await waitForHealth(r.port, ca, client, (h) => h.inFlight === 1);
      expect(await post(r.port, eventList(b), client)).toMatchObject({ status: 429, retryAfter: '1' });
      locker.exec('ROLLBACK');
      locker.close();
      expect((await blocked).status).toBe(200);
      expect((await post(r.port, eventList(b), client)).status).toBe(200);
    } finally {
      await stop(r);
    }
  }, 60_000);

  it('429 while batches wait for a store that is locked, 503 when the store fails; what was acknowledged stays stored', async () => {
    const store = join(dir, 'busy.db');
    const r = await startServe(await freePort(), `sqlite:${store}`, ['--client-ca', ca.cert, '--max-in-flight', '1']);
    const [a, b, c] = batches(labEvents, 50) as [AuditEvent[], AuditEvent[], AuditEvent[]];
    try {
      expect((await post(r.port, eventList(a), client)).status).toBe(200);
      // another process holds SQLite's write lock: the writer thread waits busy_timeout (5 s), then fails
      const locker = new Database(store);
      locker.exec('BEGIN IMMEDIATE');
      const blocked = post(r.port, eventList(b), client);
      await waitForHealth(r.port, ca, client, (h) => h.inFlight === 1);
      // the event loop is not blocked by the waiting store: over the bound, the answer is 429 at once
      const over = await post(r.port, eventList(c), client);
      expect(over).toMatchObject({ status: 429, retryAfter: '1' });
      expect(await blocked).toMatchObject({ status: 503, retryAfter: '2' });
      expect(r.stderr()).toContain('store write failed, answering 503: database is locked');
      locker.exec('ROLLBACK');
      locker.close();
      // the API server retries both: now they are written
      expect((await post(r.port, eventList(b), client)).status).toBe(200);
      expect(JSON.parse((await post(r.port, eventList(c), client)).body)).toMatchObject({ inserted: c.length });
    } finally {
      await stop(r);
    }
    const db = openSqliteQueries(store);
    const keys = await db.keys();
    await db.close();
    expect([...keys].sort()).toEqual([...new Set([...a, ...b, ...c].map((e) => keyOf(e.auditID ?? '', e.stage ?? '')))].sort());
  }, 60_000);

  it('bearer token instead of a client certificate; a wrong or missing token is 401', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 's3cret-token\n', { mode: 0o600 });
    const r = await startServe(await freePort(), `sqlite:${join(dir, 'token.db')}`, ['--token-file', tokenFile]);
    try {
      expect((await post(r.port, eventList(labEvents.slice(0, 5)), null, '/events', 's3cret-token')).status).toBe(200);
      expect((await post(r.port, eventList(labEvents.slice(0, 5)), null, '/events', 'wrong')).status).toBe(401);
      expect((await post(r.port, eventList(labEvents.slice(0, 5)), null, '/events')).status).toBe(401);
      expect(r.stderr()).not.toContain('s3cret');
    } finally {
      await stop(r);
    }
  }, 60_000);

  it('usage errors: no client CA or token; unreadable certificate; a bound that is not a positive number', async () => {
    const noAuth = await runCli(['audit', 'serve', '--listen', '127.0.0.1:1', '--tls-cert', server.cert, '--tls-key', server.key]);
    expect(noAuth.code).toBe(2);
    expect(noAuth.stderr).toContain('--client-ca');
    const missing = await runCli(['audit', 'serve', '--listen', '127.0.0.1:1', '--tls-cert', '/nonexistent.pem', '--tls-key', server.key, '--client-ca', ca.cert]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent.pem');
    const store = join(dir, 'never.db');
    for (const [flag, value] of [
      ['--max-in-flight', '0'],
      ['--max-in-flight-mb', 'lots'],
    ] as const) {
      const bad = await runCli(['audit', 'serve', '--listen', '127.0.0.1:1', '--tls-cert', server.cert, '--tls-key', server.key, '--client-ca', ca.cert, '--store', `sqlite:${store}`, flag, value]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`${flag} ${value}: expected a positive number`);
    }
    // refused before the store was opened: no database file was made
    expect(existsSync(store)).toBe(false);
  });

  it('audit query on a file that is no store: one line naming it, exit 2, the file untouched', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'not a database');
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    for (const [file, why] of [
      [garbage, 'file is not a database'],
      [other, 'no such table: audit_events'],
      [join(dir, 'absent.db'), 'no such database'],
    ] as const) {
      const r = await runCli(['audit', 'query', '--store', `sqlite:${file}`]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`kubeward: --store sqlite:${file}: ${why}`);
    }
    expect(readFileSync(garbage, 'utf8')).toBe('not a database');
  });
});
