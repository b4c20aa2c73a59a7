/**
 * The SQLite store's writer thread (started by openSqliteStore). It owns the connection that writes, so
 * a group's inserts and the detection on its new events run beside the server's event loop. It handles
 * one request at a time, in order, and answers each exactly once, in order, as soon as it is committed
 * (the store passes an answer on only once the WAL holding it is fsynced: store-sqlite.ts writerClient).
 * It leaves checkpoints (copying the WAL into the database file) to the checkpointer thread
 * (wal_autocheckpoint=0), so a COMMIT does not wait for them, with one exception: the WAL only starts
 * over from its beginning when a write transaction begins after a checkpoint has copied every frame,
 * which the checkpointer rarely sees while groups are committed back to back. So once WAL_RESTART_BYTES
 * of bodies were written, the writer runs a PASSIVE checkpoint itself after each group: it copies only
 * what the checkpointer has not yet (the last few groups), and once one has copied every frame the
 * next transaction restarts the WAL. PASSIVE gives up at once when the checkpointer is running one
 * (where RESTART would sleep in SQLite's busy handler, 1 to 100 ms at a time, stalling every batch in
 * flight: p99 131-133 ms against 95-102 ms with PASSIVE in the bench); after 2 x WAL_RESTART_BYTES
 * without success it runs a RESTART, which waits for the checkpointer (briefly: below), so the WAL stays in
 * the tens of MiB; only a reader holding a snapshot all along (a long query) makes it grow until it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScannedEvent } from './event-list.js';
import { BUSY_TIMEOUT_MS, byUserIndexer, EVENT_COLUMNS, openSqliteDb, pruneSqlite, type BatchOutcome, type WriterData, type WriterReply, type WriterRequest } from './store-sqlite.js';
import { eventDetector, type WriteResult } from './store.js';

if (!parentPort) throw new Error('store-sqlite-writer runs as a worker thread');
const port = parentPort;
const data = workerData as WriterData;
const db = openSqliteDb(data.path);
db.pragma('wal_autocheckpoint = 0');
// Durability as synchronous=FULL, with the fsync off this thread: COMMIT writes the group's frames to the
// WAL (NORMAL: no fsync at commit) and the group is answered at once; the store's thread (store-sqlite.ts
// writerClient) passes the answer on only once its own fdatasync of the WAL, begun after the answer
// came, has completed, while this thread goes on with the next group. NORMAL changes nothing else:
// SQLite still syncs the WAL before a checkpoint copies it and the database file after (wal.c
// walCheckpoint), and the WAL header when the WAL starts over (wal.c sqlite3WalFrames, syncHeader;
// https://www.sqlite.org/pragma.html#pragma_synchronous), so frames a checkpoint moved are durable in
// the database file. With FULL, each COMMIT waited for its fsync here (7-9 ms for a group of 200
// events under load) while no other group could be written.
db.pragma('synchronous = NORMAL');
const detect = eventDetector(data.detect);
const WAL_RESTART_BYTES = 16 * 1024 * 1024;
/** How long the writer's RESTART checkpoint waits for the checkpointer and readers. */
const RESTART_WAIT_MS = 100;
let writtenSinceCheckpoint = 0;
// The event is bound as the bytes it was sent as and stored as TEXT (the database is UTF-8 and the body
// was checked to be UTF-8): no string is made of it here.
const insertEvent = db.prepare('INSERT OR IGNORE INTO audit_events (audit_id, stage, time, time_ms, user, verb, resource, namespace, name, code, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))');
const insertAlert = db.prepare('INSERT OR IGNORE INTO audit_alerts (rule, severity, audit_id, time_ms, alert) VALUES (?, ?, ?, ?, ?)');
/**
 * How often a group's transaction also adds the events written since to audit_events_by_user
 * (store-sqlite.ts): a query by user looks up at most that long's events by id (2,000 at 20,000 events/s),
 * and one group in that time takes longer (in the bench, 6 ms for 1,600 events); each time it writes a few
 * pages per user (0.3 KB per event to the WAL done every 13 groups, where an index updated at each insert
 * wrote 1.4 KB).
 */
const BY_USER_EVERY_MS = 100;
const indexByUser = byUserIndexer(db);
// the events a stopped server had not added, or all of them in a store an older kubeward wrote (with an index instead)
db.transaction(indexByUser)();
let byUserAt = Date.now();

/**
 * One transaction: the events of the group's batches (of batch `only` alone when given), their alerts, the
 * COMMIT; each batch's counts (left at zero for the others).
 */
function commitBatches(buffers: readonly Buffer[], c: readonly (string | number | null)[], only?: number): WriteResult[] {
  const results = buffers.map((): WriteResult => ({ inserted: 0, duplicates: 0, alerts: 0 }));
  // IMMEDIATE takes the write lock now (waiting up to busy_timeout), not at the first insert
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let i = 0; i < c.length; i += EVENT_COLUMNS) {
      if (only !== undefined && c[i] !== only) continue;
      const body = buffers[c[i] as number] as Buffer;
      const result = results[c[i] as number] as WriteResult;
      const text = (k: number) => c[i + k] as string;
      const e: Omit<ScannedEvent, 'facts'> = { start: c[i + 1] as number, end: c[i + 2] as number, auditID: text(3), stage: text(4), time: text(5), timeMs: c[i + 6] as number, user: text(7), verb: text(8), resource: text(9), namespace: text(10), name: text(11), code: c[i + 12] as number | null };
      if (insertEvent.run(e.auditID, e.stage, e.time, e.timeMs, e.user, e.verb, e.resource, e.namespace, e.name, e.code, body.subarray(e.start, e.end)).changes !== 1) {
        result.duplicates++;
        continue;
      }
      result.inserted++;
      if (c[i + 13] !== 1) continue;
      for (const a of detect(body, e)) if (insertAlert.run(a.rule, a.severity, a.auditID, e.timeMs, JSON.stringify(a)).changes === 1) result.alerts++;
    }
    const now = Date.now();
    if (now - byUserAt >= BY_USER_EVERY_MS) {
      byUserAt = now;
      indexByUser();
    }
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
  return results;
}

/**
 * A group in one transaction; when that fails, each batch in a transaction of its own, so a batch that
 * cannot be written fails alone instead of failing every batch it was grouped with.
 */
function write(bodies: readonly Uint8Array[], c: readonly (string | number | null)[]): BatchOutcome[] {
  const buffers = bodies.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  let outcomes: BatchOutcome[];
  try {
    outcomes = commitBatches(buffers, c);
  } catch (e) {
    outcomes = buffers.map((_, batch) => {
      if (buffers.length === 1) return { error: (e as Error).message };
      try {
        return commitBatches(buffers, c, batch)[batch] as WriteResult;
      } catch (alone) {
        return { error: (alone as Error).message };
      }
    });
  }
  for (const b of bodies) writtenSinceCheckpoint += b.byteLength;
  if (writtenSinceCheckpoint >= WAL_RESTART_BYTES) {
    if (writtenSinceCheckpoint < 2 * WAL_RESTART_BYTES) {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (r?.busy === 0 && r.log === r.checkpointed) writtenSinceCheckpoint = 0;
    } else {
      writtenSinceCheckpoint = 0;
      // A reader's snapshot (a long query) keeps the WAL from starting over whatever the checkpoint: wait
      // for readers only briefly, and let the WAL grow until they are done, rather than stall every batch
      // in flight for busy_timeout (5.1 s measured with a reader open; test/audit/store-sqlite.test.ts).
      db.pragma(`busy_timeout = ${RESTART_WAIT_MS}`);
      try {
        db.pragma('wal_checkpoint(RESTART)');
      } finally {
        db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
    }
  }
  return outcomes;
}

function handle(req: Exclude<WriterRequest, { op: 'close' }>): unknown {
  switch (req.op) {
    case 'write':
      return write(req.bodies, req.columns);
    case 'prune':
      return pruneSqlite(db, req.retention, req.now);
  }
}

port.postMessage({ ok: true, value: 'ready' } satisfies WriterReply);
port.on('message', (req: WriterRequest) => {
  if (req.op === 'close') {
    db.close();
    port.postMessage({ ok: true, value: null } satisfies WriterReply);
    // nothing else keeps the thread alive: it exits
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply = { ok: true, value: handle(req) };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  port.postMessage(reply);
});
