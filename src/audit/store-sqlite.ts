/**
 * SQLite store (better-sqlite3). Durability: WAL, and every committed transaction is fsynced in the WAL
 * before `write` resolves, so a kill -9 or power loss after the 200 cannot lose it. Connections use
 * synchronous=FULL, except the writer's: its WAL is fdatasynced here, off its path (writerClient).
 * (NORMAL alone would only fsync at checkpoints: a power loss could drop acknowledged batches.)
 * better-sqlite3 is synchronous, so writes go to a writer thread (store-sqlite-writer.ts) owning its own
 * connection: a group's inserts and the detection on its new events (alerts commit with their events)
 * run beside the event loop, which meanwhile reads, scans and prefilters the next batches (and
 * answers 429 when they pile up instead of stalling); each group is one message and one answer, and the
 * next group is already queued at the writer when a COMMIT ends. Checkpoints (copying the WAL into the
 * database file, and its fsync) run on a third thread (store-sqlite-checkpointer.ts), so the writer
 * waits for them only every WAL_RESTART_BYTES. Queries read through a second
 * connection here (WAL readers never wait for the writer); `audit query` opens a read-only one alone.
 */
import Database from 'better-sqlite3';
import { closeSync, fdatasync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Alert, DetectOptions } from './detect.js';
import type { ScannedEvent } from './event-list.js';
import type { AuditEvent } from './read-types.js';
import { workerEntry } from './worker-entry.js';
import { detectionPrefilter, groupCommit, keyOf, sinceMs, untilMs, type AuditQueries, type AuditStore, type EventBatch, type SelectedRow, type EventFilter, type Retention, type StoredEvent, type WriteResult } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_events (
  id INTEGER PRIMARY KEY,
  audit_id TEXT NOT NULL, stage TEXT NOT NULL, time TEXT NOT NULL, time_ms INTEGER NOT NULL,
  user TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  code INTEGER, event TEXT NOT NULL
);
DROP INDEX IF EXISTS audit_events_key;
DROP INDEX IF EXISTS audit_events_time;
DROP INDEX IF EXISTS audit_events_user;
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_request ON audit_events (time_ms, audit_id, stage);
CREATE TABLE IF NOT EXISTS audit_events_by_user (
  user TEXT NOT NULL, time_ms INTEGER NOT NULL, id INTEGER NOT NULL,
  PRIMARY KEY (user, time_ms, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO audit_state (name, value) VALUES ('by_user_through', 0);
CREATE TABLE IF NOT EXISTS audit_alerts (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, audit_id TEXT NOT NULL, time_ms INTEGER NOT NULL, alert TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_alerts_key ON audit_alerts (rule, audit_id);
CREATE INDEX IF NOT EXISTS audit_alerts_time ON audit_alerts (time_ms);
`;

/**
 * audit_events_by_user finds a user's events: it holds every event up to audit_state 'by_user_through'
 * (an audit_events id) as (user, time_ms, id), and the events after that id are the few the writer has
 * not added yet (it adds them every BY_USER_EVERY_MS, store-sqlite-writer.ts); a query by user reads
 * both (sqliteQueries). It takes the place of an index on audit_events (user, time_ms), which an insert
 * updates at once: each user's new entries sit in a page of their own, so every commit wrote one
 * 16 KB index page per user among its events again to the WAL, about as many bytes as the events
 * themselves (measured in groups of 150 lab events: 4.6 KB written to the WAL per 1.9 KB event with
 * the index, 3.5 KB with this table filled every 13 groups, 3.1 KB with neither). In the bench, paired
 * runs at 4 batches in flight: 17.8-18.7k events/s with this table against 15.8-18.3k with the index
 * (20.2-21.8k with neither; the writer's CPU per event 20-21 µs, 21-23 µs and 16-17 µs).
 */
const BY_USER_THROUGH = "(SELECT value FROM audit_state WHERE name = 'by_user_through')";

/** Adds the events after 'by_user_through' to audit_events_by_user, in the caller's transaction. */
export function byUserIndexer(db: Database.Database): () => void {
  const add = db.prepare(`INSERT INTO audit_events_by_user (user, time_ms, id) SELECT user, time_ms, id FROM audit_events WHERE id > ${BY_USER_THROUGH} ORDER BY user, time_ms, id`);
  const mark = db.prepare("UPDATE audit_state SET value = (SELECT coalesce(max(id), 0) FROM audit_events) WHERE name = 'by_user_through'");
  return () => {
    add.run();
    mark.run();
  };
}

/** audit_events' columns as a query returns them, `id` and `time_ms` read from table `key` (audit_events_by_user holds both, in its order). */
const eventRow = (key: string) => `${key}.id AS id, e.audit_id, e.stage, e.time, ${key}.time_ms AS time_ms, e.user, e.verb, e.resource, e.namespace, e.name, e.code, e.event`;

type Conditions = { parts: string[]; params: (string | number)[] };

/** The filter's conditions on the columns of the table named `prefix`. */
function conditions(f: EventFilter, prefix: string): Conditions {
  const c: Conditions = { parts: [], params: [] };
  const add = (col: string, v: string | number | undefined, op = '=') => {
    if (v === undefined) return;
    c.parts.push(`${prefix}${col} ${op} ?`);
    c.params.push(v);
  };
  add('user', f.user);
  add('verb', f.verb);
  add('resource', f.resource);
  add('namespace', f.namespace);
  add('time_ms', sinceMs(f), '>=');
  add('time_ms', untilMs(f), '<=');
  return c;
}

function and(...all: Conditions[]): Conditions {
  return { parts: all.flatMap((c) => c.parts), params: all.flatMap((c) => c.params) };
}

const whereClause = (c: Conditions) => (c.parts.length ? `WHERE ${c.parts.join(' AND ')}` : '');

/** The page size of a database the store creates. */
export const PAGE_SIZE = 16384;

/** How long a connection waits for a lock another one holds. */
export const BUSY_TIMEOUT_MS = 5000;

/** Opens (creating when needed) the database in WAL mode with synchronous=FULL. */
export function openSqliteDb(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // A new database only (an existing one keeps its page size: in WAL mode it can only change by a VACUUM
  // outside WAL). Events are about 2 KB: with 4 KB pages most of the writer's and checkpointer's work is
  // per page, not per byte. Measured per event, 16 KB against 4 KB pages: insert + commit 16.3-18.1 against
  // 20.3-22.3 µs, checkpoint 5.3-6.2 against 9.2-9.5 µs, for 24% more bytes written (3.9 against 3.2 KB).
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // a WAL grown under load is cut back to this size when it restarts
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  db.exec(SCHEMA);
  return db;
}

type Column = string | number | null;
/**
 * A group goes to the writer thread as the bodies of its batches and one flat array of its events'
 * columns, EVENT_COLUMNS per event in this order: structured cloning plain values costs about a third
 * of cloning objects (whose keys are cloned with each one), and each body is one copy.
 */
export const EVENT_COLUMNS = 14;

/** The columns of a group's events, the last one 1 when detection's prefilter wants the event (it runs here, the writer parses and detects). */
function flatten(writes: readonly EventBatch[], wanted: (body: Buffer, e: ScannedEvent) => boolean): Column[] {
  const out: Column[] = [];
  writes.forEach((w, batch) => {
    for (const e of w.events) out.push(batch, e.start, e.end, e.auditID, e.stage, e.time, e.timeMs, e.user, e.verb, e.resource, e.namespace, e.name, e.code, wanted(w.body, e) ? 1 : 0);
  });
  return out;
}

/**
 * What the writer thread is asked, one request at a time. `write` is a whole group in one transaction:
 * the events inserted (duplicates of a stored request key ignored, store.ts), detection run on the new ones,
 * their alerts inserted, COMMIT (synced by writerClient before the answer is passed on); it answers each
 * batch's outcome, the group's batches retried one per transaction when the group's failed.
 */
export type WriterRequest = { op: 'write'; bodies: Uint8Array[]; columns: Column[] } | { op: 'prune'; retention: Retention; now: number } | { op: 'close' };
/** What the writer answers for each batch of a `write`: its counts, or why it alone could not be written. */
export type BatchOutcome = WriteResult | { error: string };
export type WriterReply = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Deletes the events `which` selects (a condition on audit_events) with their rows in audit_events_by_user,
 * in one transaction; how many went.
 */
function deleteEvents(db: Database.Database, which: string, ...params: number[]): number {
  return db.transaction(() => {
    db.prepare(`DELETE FROM audit_events_by_user WHERE (user, time_ms, id) IN (SELECT user, time_ms, id FROM audit_events WHERE ${which})`).run(...params);
    const n = db.prepare(`DELETE FROM audit_events WHERE ${which}`).run(...params).changes;
    // A new event takes the highest id + 1 (INTEGER PRIMARY KEY without AUTOINCREMENT), so once the last
    // events went their ids come again: by_user_through comes down with them, or new events at ids at or
    // below it would never be added to audit_events_by_user.
    db.prepare(`UPDATE audit_state SET value = min(value, (SELECT coalesce(max(id), 0) FROM audit_events)) WHERE name = 'by_user_through'`).run();
    return n;
  })();
}

/** Deletes the oldest events (and their alerts) beyond the limits; how many events went. */
export function pruneSqlite(db: Database.Database, r: Retention, now: number): number {
  let deleted = 0;
  if (r.maxAgeDays !== undefined) {
    const cutoff = now - r.maxAgeDays * 86_400_000;
    deleted += deleteEvents(db, 'time_ms < ?', cutoff);
    db.prepare('DELETE FROM audit_alerts WHERE time_ms < ?').run(cutoff);
  }
  if (r.maxMb !== undefined) {
    const limit = r.maxMb * 1024 * 1024;
    // Pages in use (freed pages are reused, so the file stops growing once under the limit).
    const used = () => ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * (db.pragma('page_size', { simple: true }) as number);
    while (used() > limit) {
      const n = deleteEvents(db, 'id IN (SELECT id FROM audit_events ORDER BY time_ms, id LIMIT 1000)');
      if (n === 0) break;
      deleted += n;
      db.prepare('DELETE FROM audit_alerts WHERE time_ms < (SELECT coalesce(min(time_ms), 0) FROM audit_events)').run();
    }
  }
  if (deleted > 0) db.pragma('wal_checkpoint(TRUNCATE)');
  return deleted;
}

/** The writer or checkpointer thread, from compiled JS or from the TypeScript sources (worker-entry.ts). */
function startThread(name: 'store-sqlite-writer' | 'store-sqlite-checkpointer', data: WriterData): Worker {
  const entry = workerEntry(import.meta.url, name);
  if (!entry) throw new Error(`the SQLite thread module ${name} is missing next to store-sqlite`);
  return new Worker(entry.code, { eval: entry.eval, execArgv: [], workerData: data });
}

/** What the writer (path and detection options) and the checkpointer (path only) start with. */
export interface WriterData {
  path: string;
  detect?: DetectOptions;
}

/**
 * A group committed while a sync is under way gets its own sync at once, which writes its pages while the
 * first one finishes (Linux's fdatasync also waits for pages another sync is writing), instead of
 * waiting for the first to end before starting.
 */
const MAX_SYNCS_IN_FLIGHT = 3;

/**
 * Requests to the writer thread; it answers each in order, so replies are matched first in, first out.
 * Durability as synchronous=FULL, with the fsync off the writer's path: the writer commits with NORMAL
 * (store-sqlite-writer.ts) and answers at once, and this thread fdatasyncs the WAL on the thread pool;
 * an answer is passed on only once an fdatasync begun after it arrived (so after its COMMIT wrote the
 * WAL) has completed (test/audit/store-sqlite-ack.test.ts checks this in the system calls). The sync is
 * here rather than in the writer because a completion there waited for the group the writer was
 * inserting meanwhile: measured under load, 5-7 ms from the start of a sync to its callback there (p50),
 * where a 300 KB fdatasync beside a writer like the checkpointer takes 0.4-1.1 ms. In the bench at 4
 * batches in flight, paired runs: 21.0k, 17.2k, 17.1k events/s here against 16.4k, 16.3k, 16.9k.
 */
function writerClient(path: string, detect: DetectOptions | undefined) {
  const worker = startThread('store-sqlite-writer', { path, detect });
  const checkpointer = startThread('store-sqlite-checkpointer', { path });
  checkpointer.unref();
  // Without the checkpointer nothing is lost: the writer's own checkpoints (every WAL_RESTART_BYTES) copy the WAL.
  checkpointer.on('error', () => undefined);
  const checkpointerExited = new Promise<void>((resolve) => checkpointer.once('exit', () => resolve()));
  const stopCheckpointer = async () => {
    // referenced again until it has exited, or the process could end (unsettled) while it closes
    checkpointer.ref();
    checkpointer.postMessage('close');
    await checkpointerExited;
  };
  interface Waiter {
    resolve: (v: unknown) => void;
    reject: (e: Error) => void;
  }
  /** requests sent, in order, whose answer has not come */
  const waiting: Waiter[] = [];
  /** answers come, in order, each passed on once a sync begun after `after` answers had come has completed */
  const owed: { waiter: Waiter; reply: WriterReply; after: number }[] = [];
  // the thread's first message says its connection is open and its statements prepared
  const ready = new Promise<unknown>((resolve, reject) => waiting.push({ resolve, reject }));
  const walPath = `${path}-wal`;
  /** opened when the writer is ready; the store's own connection keeps the WAL file from being deleted under it */
  let walFd: number | undefined;
  let answered = 0;
  let synced = 0;
  /** what the syncs under way will cover (the answers counted when the last one began) */
  let syncing = 0;
  let syncsInFlight = 0;
  /** called when the last sync under way ends (close waits for it before closing walFd) */
  let onSyncsDone: (() => void) | undefined;
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    for (const w of waiting.splice(0)) w.reject(e);
    for (const o of owed.splice(0)) o.waiter.reject(e);
  };
  const pass = ({ waiter, reply }: { waiter: Waiter; reply: WriterReply }) => (reply.ok ? waiter.resolve(reply.value) : waiter.reject(new Error(reply.message)));
  const syncWal = () => {
    if (failure || walFd === undefined || syncing === answered || syncsInFlight >= MAX_SYNCS_IN_FLIGHT) return;
    const upTo = answered;
    syncing = upTo;
    syncsInFlight++;
    fdatasync(walFd, (err) => {
      syncsInFlight--;
      if (syncsInFlight === 0) onSyncsDone?.();
      // After a failed fsync the kernel may have dropped the pages it could not write (and a retry would
      // then succeed without them), so nothing written since the last good one can be called durable:
      // every answer still owed fails (the server answers 503 and the API server retries), the writer is
      // stopped, and the store accepts nothing more.
      if (err) {
        fail(new Error(`fdatasync of the SQLite WAL ${walPath} failed: ${err.message}`));
        void worker.terminate();
        return;
      }
      // a sync that began later may end first: it also waited for the pages an earlier one was writing
      synced = Math.max(synced, upTo);
      for (let next = owed[0]; next && next.after <= synced; next = owed[0]) pass(owed.shift() as (typeof owed)[number]);
      syncWal();
    });
  };
  worker.on('message', (reply: WriterReply) => {
    const waiter = waiting.shift();
    if (waiting.length === 0) worker.unref();
    if (!waiter) return;
    if (walFd === undefined) {
      // the ready message: nothing written yet
      try {
        walFd = openSync(walPath, 'r');
      } catch (e) {
        return waiter.reject(e as Error);
      }
      return pass({ waiter, reply });
    }
    // (a failed write rolled back, but earlier commits may not be synced yet: its answer waits its turn)
    answered++;
    owed.push({ waiter, reply, after: answered });
    syncWal();
  });
  worker.on('error', fail);
  let closing = false;
  worker.on('exit', (code) => {
    const e = new Error(`the SQLite writer thread exited (${code})`);
    // after a close the answers owed are committed (their syncs pass them on, the last one the close's)
    if (closing && code === 0) for (const w of waiting.splice(0)) w.reject(e);
    else fail(e);
  });
  /** `handOver`: memory moved to the thread rather than copied (this side can no longer read it) */
  const call = <T>(req: WriterRequest, handOver: ArrayBuffer[] = []): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      // the thread keeps the process alive only while it owes an answer (a sync under way does too)
      if (waiting.push({ resolve: resolve as (v: unknown) => void, reject }) === 1) worker.ref();
      worker.postMessage(req, handOver);
    });
  const close = async () => {
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    closing = true;
    try {
      await call({ op: 'close' });
      worker.ref();
      await exited;
    } finally {
      if (syncsInFlight > 0) await new Promise<void>((resolve) => (onSyncsDone = resolve));
      if (walFd !== undefined) closeSync(walFd);
      await stopCheckpointer();
    }
  };
  return { ready, call, close, stopCheckpointer };
}

/** The reads of `audit query` (and of a store) on a connection. */
function sqliteQueries(db: Database.Database): Omit<AuditQueries, 'close'> {
  // A store last written by an older kubeward, opened read-only, has an index on audit_events (user, time_ms) instead
  const byUser = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'audit_events_by_user'").get() !== undefined;
  const toStored = (r: SelectedRow): StoredEvent => ({ auditID: r.audit_id, stage: r.stage, time: r.time, user: r.user, verb: r.verb, resource: r.resource, namespace: r.namespace, name: r.name, code: r.code, event: JSON.parse(r.event) as AuditEvent });
  return {
    events(f) {
      const rule: Conditions = f.rule === undefined ? { parts: [], params: [] } : { parts: ['(e.time_ms, e.audit_id) IN (SELECT time_ms, audit_id FROM audit_alerts WHERE rule = ?)'], params: [f.rule] };
      let sql: string;
      let params: (string | number)[];
      if (f.user === undefined || !byUser) {
        const c = and(conditions(f, 'e.'), rule);
        sql = `SELECT ${eventRow('e')} FROM audit_events e ${whereClause(c)} ORDER BY e.time_ms, e.id`;
        params = c.params;
      } else {
        // The user's events in audit_events_by_user, read in its order (user, time_ms, id) so that a LIMIT
        // stops early, and those after by_user_through, merged by SQLite (MERGE (UNION ALL)). NOT INDEXED:
        // the events after by_user_through found by id (a few), not every event in the time range by time.
        const indexed = and(conditions({ user: f.user, since: f.since, until: f.until }, 'u.'), conditions({ verb: f.verb, resource: f.resource, namespace: f.namespace }, 'e.'), rule);
        const recent = and({ parts: [`e.id > ${BY_USER_THROUGH}`], params: [] }, conditions(f, 'e.'), rule);
        sql = `SELECT ${eventRow('u')} FROM audit_events_by_user u CROSS JOIN audit_events e ON e.id = u.id ${whereClause(indexed)} UNION ALL SELECT ${eventRow('e')} FROM audit_events e NOT INDEXED ${whereClause(recent)} ORDER BY time_ms, id`;
        params = [...indexed.params, ...recent.params];
      }
      const rows = db.prepare(`${sql} LIMIT ?`).all(...params, f.limit ?? -1) as SelectedRow[];
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
  };
}

/**
 * Reads only, for `audit query`: a read-only connection, no writer or checkpointer thread, no schema
 * change, so a user who may only read the database file can query it.
 */
export function openSqliteQueries(path: string): AuditQueries {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // a file that is no SQLite database, or no store of audit serve, fails here rather than at the first query
    db.prepare('SELECT 1 FROM audit_events, audit_alerts LIMIT 0').all();
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    ...sqliteQueries(db),
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}

/**
 * The bodies that alone hold their memory (a body of audit serve is a copy of the request's chunks): moved
 * to the writer thread rather than copied. Copying a 200 KB body cost 118-303 µs of CPU per batch against
 * 25-45 µs moved (measured here with a worker thread; the receiving side allocates and faults in its copy).
 * A body that shares its memory (a view into a larger buffer) is copied, as moving it would take the rest.
 */
function ownMemory(writes: readonly EventBatch[]): ArrayBuffer[] {
  const own = new Set<ArrayBuffer>();
  for (const { body } of writes) if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer) own.add(body.buffer);
  return [...own];
}

/** Resolves once the writer thread is ready to write (so audit serve listens only then). */
export async function openSqliteStore(path: string, detect?: DetectOptions): Promise<AuditStore> {
  const db = openSqliteDb(path);
  const writer = writerClient(path, detect);
  try {
    await writer.ready;
  } catch (e) {
    db.close();
    await writer.stopCheckpointer();
    throw e;
  }
  const wanted = detectionPrefilter(detect);
  // Three groups under way: the writer starts the next one as soon as a COMMIT ends, while earlier ones
  // wait for their WAL sync (measured: 18.2-18.4k events/s against 17.5-18.0k with two; six or eight
  // measured the same as three). The writer retries a failed group's batches alone (it holds the bodies).
  const writeGroup = groupCommit(
    async (writes) => {
      const outcomes = await writer.call<BatchOutcome[]>({ op: 'write', bodies: writes.map((w) => w.body), columns: flatten(writes, wanted) }, ownMemory(writes));
      return outcomes.map((o) => ('error' in o ? new Error(o.error) : o));
    },
    3,
  );
  return {
    ...sqliteQueries(db),
    write: writeGroup,
    prune: (retention, now = Date.now()) => writer.call<number>({ op: 'prune', retention, now }),
    async close() {
      await writer.close();
      db.close();
    },
  };
}
