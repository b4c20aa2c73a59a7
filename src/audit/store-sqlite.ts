/**
 * SQLite store (better-sqlite3). Durability: WAL with synchronous=FULL, so every committed transaction
 * is fsynced to the WAL before `write` resolves; a kill -9 or power loss after the 200 cannot lose it.
 * (NORMAL would only fsync at checkpoints: a power loss could drop acknowledged batches.)
 * better-sqlite3 is synchronous, so writes go to a writer thread (store-sqlite-writer.ts) owning its own
 * connection: a group's inserts and its fsync run beside the event loop, which meanwhile reads, parses
 * and detects on the next batches (and answers 429 when they pile up instead of stalling). Detection
 * stays on this thread, between the group's inserts and its COMMIT, so alerts commit with their events.
 * Queries read through a second connection here (WAL readers never wait for the writer).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Alert } from './detect.js';
import type { AuditEvent } from './read-types.js';
import { workerEntry } from './worker-entry.js';
import { eventRow, groupCommit, keyOf, sinceMs, untilMs, type AuditStore, type EventRow, type SelectedRow, type EventFilter, type Retention, type StoredEvent, type WriteResult } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_events (
  id INTEGER PRIMARY KEY,
  audit_id TEXT NOT NULL, stage TEXT NOT NULL, time TEXT NOT NULL, time_ms INTEGER NOT NULL,
  user TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  code INTEGER, event TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_key ON audit_events (audit_id, stage);
CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events (time_ms);
CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events (user, time_ms);
CREATE TABLE IF NOT EXISTS audit_alerts (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, audit_id TEXT NOT NULL, time_ms INTEGER NOT NULL, alert TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_alerts_key ON audit_alerts (rule, audit_id);
CREATE INDEX IF NOT EXISTS audit_alerts_time ON audit_alerts (time_ms);
`;

/** `event` is the event's JSON text in SQLite. */
type Row = SelectedRow<string>;

function where(f: EventFilter, prefix = ''): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (col: string, v: string | number | undefined, op = '=') => {
    if (v === undefined) return;
    parts.push(`${prefix}${col} ${op} ?`);
    params.push(v);
  };
  add('user', f.user);
  add('verb', f.verb);
  add('resource', f.resource);
  add('namespace', f.namespace);
  add('time_ms', sinceMs(f), '>=');
  add('time_ms', untilMs(f), '<=');
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Opens (creating when needed) the database in WAL mode with synchronous=FULL. */
export function openSqliteDb(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

/** An alert as the writer thread inserts it. */
export interface AlertRow {
  rule: string;
  severity: string;
  auditID: string;
  timeMs: number;
  json: string;
}

type Column = string | number | null;
/**
 * Rows go to the writer thread as one flat array of their columns, EVENT_COLUMNS per row: structured
 * cloning plain values costs about a third of cloning row objects (whose keys are cloned with each row).
 */
export const EVENT_COLUMNS = 11;

function flatten(rows: readonly EventRow[]): Column[] {
  const out: Column[] = [];
  // INSERT order
  for (const r of rows) out.push(r.auditID, r.stage, r.time, r.timeMs, r.user, r.verb, r.resource, r.namespace, r.name, r.code, r.json);
  return out;
}

/**
 * What the writer thread is asked, one request at a time. `insert` opens the group's transaction (BEGIN
 * IMMEDIATE), inserts the rows (`columns`, EVENT_COLUMNS per row) and answers, per row, whether it was
 * new; `commit` inserts the alerts, commits (the fsync) and answers, per alert, whether it was stored;
 * `rollback` abandons the open transaction.
 */
export type WriterRequest = { op: 'insert'; columns: Column[] } | { op: 'commit'; alerts: AlertRow[] } | { op: 'rollback' } | { op: 'prune'; retention: Retention; now: number } | { op: 'close' };
export type WriterReply = { ok: true; value: unknown } | { ok: false; message: string };

/** Deletes the oldest events (and their alerts) beyond the limits; how many events went. */
export function pruneSqlite(db: Database.Database, r: Retention, now: number): number {
  let deleted = 0;
  if (r.maxAgeDays !== undefined) {
    const cutoff = now - r.maxAgeDays * 86_400_000;
    deleted += db.prepare('DELETE FROM audit_events WHERE time_ms < ?').run(cutoff).changes;
    db.prepare('DELETE FROM audit_alerts WHERE time_ms < ?').run(cutoff);
  }
  if (r.maxMb !== undefined) {
    const limit = r.maxMb * 1024 * 1024;
    // Pages in use (freed pages are reused, so the file stops growing once under the limit).
    const used = () => ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * (db.pragma('page_size', { simple: true }) as number);
    while (used() > limit) {
      const n = db.prepare('DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY time_ms, id LIMIT 1000)').run().changes;
      if (n === 0) break;
      deleted += n;
      db.prepare('DELETE FROM audit_alerts WHERE time_ms < (SELECT coalesce(min(time_ms), 0) FROM audit_events)').run();
    }
  }
  if (deleted > 0) db.pragma('wal_checkpoint(TRUNCATE)');
  return deleted;
}

/** The writer thread (store-sqlite-writer), from compiled JS or from the TypeScript sources (worker-entry.ts). */
function startWriter(path: string): Worker {
  const entry = workerEntry(import.meta.url, 'store-sqlite-writer');
  if (!entry) throw new Error('the SQLite writer thread module (store-sqlite-writer) is missing next to store-sqlite');
  return new Worker(entry.code, { eval: entry.eval, execArgv: [], workerData: { path } });
}

/** Requests to the writer thread; it answers each in order, so replies are matched first in, first out. */
function writerClient(path: string) {
  const worker = startWriter(path);
  const waiting: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    for (const w of waiting.splice(0)) w.reject(e);
  };
  worker.on('message', (m: WriterReply) => {
    const w = waiting.shift();
    if (waiting.length === 0) worker.unref();
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(m.message));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the SQLite writer thread exited (${code})`)));
  worker.unref();
  // One transaction at a time: a group's insert, detection and commit are not interleaved with another request.
  let tail: Promise<unknown> = Promise.resolve();
  const call = <T>(req: WriterRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      // the thread keeps the process alive only while it owes an answer
      if (waiting.push({ resolve: resolve as (v: unknown) => void, reject }) === 1) worker.ref();
      worker.postMessage(req);
    });
  const exclusive = <T>(f: () => Promise<T>): Promise<T> => {
    const run = tail.then(f);
    tail = run.catch(() => undefined);
    return run;
  };
  const close = async () => {
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    await exclusive(() => call({ op: 'close' }));
    worker.ref();
    await exited;
  };
  return { call, exclusive, close };
}

export function openSqliteStore(path: string): AuditStore {
  const db = openSqliteDb(path);
  const writer = writerClient(path);
  const writeGroup = groupCommit((writes) =>
    writer.exclusive(async () => {
      const rows = writes.flatMap((w) => w.events.map((e, i) => eventRow(e, w.raw?.[i])));
      const fresh = await writer.call<boolean[]>({ op: 'insert', columns: flatten(rows) });
      const alerts: AlertRow[] = [];
      const owners: WriteResult[] = [];
      let results: WriteResult[];
      try {
        let next = 0;
        results = writes.map((w) => {
          const r: WriteResult = { inserted: 0, duplicates: 0, alerts: 0 };
          for (const e of w.events) {
            const i = next++;
            const row = rows[i];
            if (!row || !fresh[i]) {
              r.duplicates++;
              continue;
            }
            r.inserted++;
            for (const a of w.detect(e)) {
              alerts.push({ rule: a.rule, severity: a.severity, auditID: a.auditID, timeMs: row.timeMs, json: JSON.stringify(a) });
              owners.push(r);
            }
          }
          return r;
        });
      } catch (e) {
        await writer.call({ op: 'rollback' });
        throw e;
      }
      const stored = await writer.call<boolean[]>({ op: 'commit', alerts });
      stored.forEach((s, i) => {
        const owner = owners[i];
        if (s && owner) owner.alerts++;
      });
      return results;
    }),
  );
  const toStored = (r: Row): StoredEvent => ({ auditID: r.audit_id, stage: r.stage, time: r.time, user: r.user, verb: r.verb, resource: r.resource, namespace: r.namespace, name: r.name, code: r.code, event: JSON.parse(r.event) as AuditEvent });
  return {
    write: writeGroup,
    events(f) {
      const w = where(f, 'e.');
      const rule = f.rule === undefined ? '' : `${w.sql ? ' AND' : 'WHERE'} e.audit_id IN (SELECT audit_id FROM audit_alerts WHERE rule = ?)`;
      const params = f.rule === undefined ? w.params : [...w.params, f.rule];
      const rows = db.prepare(`SELECT e.* FROM audit_events e ${w.sql}${rule} ORDER BY e.time_ms, e.id LIMIT ?`).all(...params, f.limit ?? -1) as Row[];
      return Promise.resolve(rows.map(toStored));
    },
    alerts(f) {
      const parts: string[] = [];
      const params: (string | number)[] = [];
      if (f.rule !== undefined) {
        parts.push('rule = ?');
        params.push(f.rule);
      }
      if (f.since !== undefined) {
        parts.push('time_ms >= ?');
        params.push(sinceMs(f) ?? 0);
      }
      if (f.until !== undefined) {
        parts.push('time_ms <= ?');
        params.push(untilMs(f) ?? 0);
      }
      const rows = db.prepare(`SELECT alert FROM audit_alerts ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY time_ms, id`).pluck().all(...params) as string[];
      const alerts = rows.map((r) => JSON.parse(r) as Alert);
      return Promise.resolve(alerts.filter((a) => (f.user === undefined || a.user === f.user) && (f.verb === undefined || a.verb === f.verb)));
    },
    keys() {
      const out = new Set<string>();
      for (const r of db.prepare('SELECT audit_id, stage FROM audit_events').iterate() as IterableIterator<{ audit_id: string; stage: string }>) out.add(keyOf(r.audit_id, r.stage));
      return Promise.resolve(out);
    },
    prune: (retention, now = Date.now()) => writer.exclusive(() => writer.call<number>({ op: 'prune', retention, now })),
    async close() {
      await writer.close();
      db.close();
    },
  };
}
