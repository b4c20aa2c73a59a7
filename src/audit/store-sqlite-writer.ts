/**
 * The SQLite store's writer thread (started by openSqliteStore). It owns the connection that writes, so
 * the inserts of a group and the fsync of its COMMIT (synchronous=FULL) run beside the server's event
 * loop. It handles one request at a time, in order, and answers each exactly once, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EVENT_COLUMNS, openSqliteDb, pruneSqlite, type WriterReply, type WriterRequest } from './store-sqlite.js';

if (!parentPort) throw new Error('store-sqlite-writer runs as a worker thread');
const port = parentPort;
const db = openSqliteDb((workerData as { path: string }).path);
const insertEvent = db.prepare('INSERT OR IGNORE INTO audit_events (audit_id, stage, time, time_ms, user, verb, resource, namespace, name, code, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
const insertAlert = db.prepare('INSERT OR IGNORE INTO audit_alerts (rule, severity, audit_id, time_ms, alert) VALUES (?, ?, ?, ?, ?)');

/** Runs `f` inside the open transaction; on failure the transaction is rolled back before the error goes back. */
function inTransaction<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

function handle(req: WriterRequest): unknown {
  switch (req.op) {
    case 'insert':
      // IMMEDIATE takes the write lock now (waiting up to busy_timeout), not at the first insert
      db.exec('BEGIN IMMEDIATE');
      return inTransaction(() => {
        const fresh: boolean[] = [];
        for (let i = 0; i < req.columns.length; i += EVENT_COLUMNS) fresh.push(insertEvent.run(req.columns.slice(i, i + EVENT_COLUMNS)).changes === 1);
        return fresh;
      });
    case 'commit':
      return inTransaction(() => {
        const stored = req.alerts.map((a) => insertAlert.run(a.rule, a.severity, a.auditID, a.timeMs, a.json).changes === 1);
        db.exec('COMMIT');
        return stored;
      });
    case 'rollback':
      if (db.inTransaction) db.exec('ROLLBACK');
      return null;
    case 'prune':
      return pruneSqlite(db, req.retention, req.now);
    case 'close':
      db.close();
      return null;
  }
}

port.on('message', (req: WriterRequest) => {
  let reply: WriterReply;
  try {
    reply = { ok: true, value: handle(req) };
  } catch (e) {
    reply = { ok: false, message: (e as Error).message };
  }
  port.postMessage(reply);
  // nothing else keeps the thread alive: it exits
  if (req.op === 'close') port.close();
});
