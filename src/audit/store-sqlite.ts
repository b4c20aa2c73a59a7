/**
 * SQLite store (better-sqlite3). Durability: WAL with synchronous=FULL, so every committed transaction
 * is fsynced to the WAL before `write` returns; a kill -9 or power loss after the 200 cannot lose it.
 * (NORMAL would only fsync at checkpoints: a power loss could drop acknowledged batches.)
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert } from './detect.js';
import type { AuditEvent } from './read-types.js';
import { eventRow, groupCommit, keyOf, sinceMs, untilMs, type AuditStore, type SelectedRow, type EventFilter, type PendingWrite, type Retention, type StoredEvent, type WriteResult } from './store.js';

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

export function openSqliteStore(path: string): AuditStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const insertEvent = db.prepare('INSERT OR IGNORE INTO audit_events (audit_id, stage, time, time_ms, user, verb, resource, namespace, name, code, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertAlert = db.prepare('INSERT OR IGNORE INTO audit_alerts (rule, severity, audit_id, time_ms, alert) VALUES (?, ?, ?, ?, ?)');
  const writeBatch = ({ events, detect, raw }: PendingWrite): WriteResult => {
    const r: WriteResult = { inserted: 0, duplicates: 0, alerts: 0 };
    events.forEach((e, i) => {
      const row = eventRow(e, raw?.[i]);
      const info = insertEvent.run(row.auditID, row.stage, row.time, row.timeMs, row.user, row.verb, row.resource, row.namespace, row.name, row.code, row.json);
      if (info.changes === 0) {
        r.duplicates++;
        return;
      }
      r.inserted++;
      for (const a of detect(e)) {
        r.alerts += insertAlert.run(a.rule, a.severity, a.auditID, row.timeMs, JSON.stringify(a)).changes;
      }
    });
    return r;
  };
  const writeGroup = db.transaction((writes: readonly PendingWrite[]): WriteResult[] => writes.map(writeBatch));
  const toStored = (r: Row): StoredEvent => ({ auditID: r.audit_id, stage: r.stage, time: r.time, user: r.user, verb: r.verb, resource: r.resource, namespace: r.namespace, name: r.name, code: r.code, event: JSON.parse(r.event) as AuditEvent });
  return {
    // better-sqlite3 is synchronous: the transaction (and its fsync) runs on the event loop, so batches
    // parsed meanwhile wait in the socket buffers and join the next group
    write: groupCommit((writes) => Promise.resolve(writeGroup(writes))),
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
    prune(r: Retention, now = Date.now()) {
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
      return Promise.resolve(deleted);
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}
