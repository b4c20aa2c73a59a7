/**
 * PostgreSQL store (pg). Group commit: the batches waiting are one transaction: their events inserted by
 * multi-row INSERT ... ON CONFLICT DO NOTHING on the request key (time_ms, audit_id, stage; store.ts),
 * RETURNING the rows that were new; detection runs on those; their alerts are inserted; COMMIT (durable
 * with the server's default synchronous_commit=on) before the writes resolve.
 * Events and alerts are kept as JSON text, not jsonb: jsonb refuses the escape \u0000, which is valid
 * JSON and can reach an audit event (a request body or name holding a NUL), so a batch holding one would
 * fail on every retry of the API server until the API server gave it up: nothing the API server sent
 * may be refused by the store.
 */
import pg from 'pg';
import type { Alert, DetectOptions } from './detect.js';
import type { AuditEvent } from './read-types.js';
import { detectionPrefilter, eventDetector, groupCommit, keyOf, sinceMs, untilMs, type AuditStore, type EventBatch, type SelectedRow, type EventFilter, type Retention, type StoredEvent, type WriteResult } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_events (
  id BIGSERIAL PRIMARY KEY,
  audit_id TEXT NOT NULL, stage TEXT NOT NULL, time TEXT NOT NULL, time_ms BIGINT NOT NULL,
  "user" TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
  code INTEGER, event TEXT NOT NULL
);
DROP INDEX IF EXISTS audit_events_key;
DROP INDEX IF EXISTS audit_events_time;
CREATE UNIQUE INDEX IF NOT EXISTS audit_events_request ON audit_events (time_ms, audit_id, stage);
CREATE TABLE IF NOT EXISTS audit_alerts (
  id BIGSERIAL PRIMARY KEY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, audit_id TEXT NOT NULL, time_ms BIGINT NOT NULL, alert TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS audit_alerts_key ON audit_alerts (rule, audit_id);
-- tables made by versions that kept jsonb (checked first: ALTER TABLE locks the table even when nothing changes)
DO $$ BEGIN
  IF (SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'audit_events' AND column_name = 'event') = 'jsonb' THEN
    ALTER TABLE audit_events ALTER COLUMN event TYPE text;
  END IF;
  IF (SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'audit_alerts' AND column_name = 'alert') = 'jsonb' THEN
    ALTER TABLE audit_alerts ALTER COLUMN alert TYPE text;
  END IF;
END $$;
`;

/**
 * An indexed column's value as PostgreSQL can hold it: its text type has no NUL character, so one (from a
 * \u0000 escape in the event) becomes U+FFFD in the column; the event's own text keeps the escape.
 */
function column(v: string): string {
  return v.includes('\u0000') ? v.replaceAll('\u0000', '\ufffd') : v;
}

/** Rows per multi-row INSERT: a statement takes at most 65,535 parameters, 11 per row. */
const ROWS_PER_INSERT = 5000;
/** "($1,...,$11),($12,...)" for ROWS_PER_INSERT rows, built once; rowEnds[n - 1] is where the first n rows end. */
const valueRows = Array.from({ length: ROWS_PER_INSERT }, (_, r) => `(${Array.from({ length: 11 }, (_, c) => `$${r * 11 + c + 1}`).join(',')})`);
const allValues = valueRows.join(',');
const rowEnds: number[] = [];
// each row after the first is preceded by a comma
for (const v of valueRows) rowEnds.push((rowEnds.at(-1) ?? -1) + 1 + v.length);

/**
 * INSERT ... VALUES with one row of parameters per event. Each parameter goes as its own text value (the
 * event's JSON as received): no array literal to build and escape, as unnest($1::text[]) needed.
 */
function insertEventsSql(rows: number): string {
  return `INSERT INTO audit_events (audit_id, stage, time, time_ms, "user", verb, resource, namespace, name, code, event) VALUES ${allValues.slice(0, rowEnds[rows - 1])} ON CONFLICT (time_ms, audit_id, stage) DO NOTHING RETURNING time_ms, audit_id, stage`;
}

export async function openPostgresStore(url: string, detectOptions?: DetectOptions): Promise<AuditStore> {
  const wanted = detectionPrefilter(detectOptions);
  const detect = eventDetector(detectOptions);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle connection the server drops (restart, failover) is an error event on the pool: without a
  // listener it would end the process. The pool discards that connection; the next write opens a new one
  // (or fails, and audit serve answers 503 until the server is back).
  pool.on('error', () => undefined);
  await pool.query(SCHEMA);
  const filter = (f: EventFilter, params: unknown[]): string => {
    const parts: string[] = [];
    const add = (col: string, v: unknown, op = '=') => {
      if (v === undefined) return;
      params.push(v);
      parts.push(`${col} ${op} $${params.length}`);
    };
    add('"user"', f.user);
    add('verb', f.verb);
    add('resource', f.resource);
    add('namespace', f.namespace);
    add('time_ms', sinceMs(f), '>=');
    add('time_ms', untilMs(f), '<=');
    if (f.rule !== undefined) {
      params.push(f.rule);
      parts.push(`(time_ms, audit_id) IN (SELECT time_ms, audit_id FROM audit_alerts WHERE rule = $${params.length})`);
    }
    return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  };
  /** The batches in one transaction: each one's counts. */
  const commitGroup = async (writes: readonly EventBatch[]): Promise<WriteResult[]> => {
    // the event's text as sent
    const rows = writes.flatMap((w) => w.events.map((e) => ({ ...e, text: w.body.toString('utf8', e.start, e.end) })));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const inserted: { time_ms: string; audit_id: string; stage: string }[] = [];
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        const res = await client.query<{ time_ms: string; audit_id: string; stage: string }>(
          insertEventsSql(chunk.length),
          chunk.flatMap((r) => [column(r.auditID), column(r.stage), column(r.time), r.timeMs, column(r.user), column(r.verb), column(r.resource), column(r.namespace), column(r.name), r.code, r.text]),
        );
        inserted.push(...res.rows);
      }
      // the request key; pg returns a BIGINT as its decimal text
      const fresh = new Set(inserted.map((r) => keyOf(`${r.time_ms}\u0000${r.audit_id}`, r.stage)));
      // (rule, auditID) -> the alert and the batch it belongs to; the first raised in the group wins
      const alerts = new Map<string, { alert: Alert; timeMs: number; batch: number }>();
      let next = 0;
      const results = writes.map((w, batch) => {
        const result = { inserted: 0, duplicates: 0, alerts: 0 };
        for (const e of w.events) {
          const row = rows[next++];
          // a key repeated in the group is new only the first time
          if (!row || !fresh.delete(keyOf(`${row.timeMs}\u0000${row.auditID}`, row.stage))) {
            result.duplicates++;
            continue;
          }
          result.inserted++;
          for (const alert of wanted(w.body, e) ? detect(w.body, e) : []) {
            const key = keyOf(alert.rule, alert.auditID);
            if (!alerts.has(key)) alerts.set(key, { alert, timeMs: row.timeMs, batch });
          }
        }
        return result;
      });
      if (alerts.size > 0) {
        const list = [...alerts.values()];
        const stored = await client.query<{ rule: string; audit_id: string }>(
          `INSERT INTO audit_alerts (rule, severity, audit_id, time_ms, alert) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) ON CONFLICT (rule, audit_id) DO NOTHING RETURNING rule, audit_id`,
          [list.map((x) => x.alert.rule), list.map((x) => x.alert.severity), list.map((x) => x.alert.auditID), list.map((x) => x.timeMs), list.map((x) => JSON.stringify(x.alert))],
        );
        for (const r of stored.rows) {
          const owner = results[alerts.get(keyOf(r.rule, r.audit_id))?.batch ?? -1];
          if (owner) owner.alerts++;
        }
      }
      await client.query('COMMIT');
      return results;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  return {
    // One writer: the batches that arrive while a transaction runs go together into the next one.
    write: groupCommit(async (writes) => {
      try {
        return await commitGroup(writes);
      } catch (e) {
        if (writes.length === 1) throw e;
        // each batch in a transaction of its own, so a batch that cannot be written fails alone
        const outcomes: (WriteResult | Error)[] = [];
        for (const w of writes) outcomes.push(await commitGroup([w]).then(([r]) => r ?? new Error('no result for the batch'), (err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
        return outcomes;
      }
    }),
    async events(f) {
      const params: unknown[] = [];
      const sql = `SELECT audit_id, stage, time, "user", verb, resource, namespace, name, code, event FROM audit_events ${filter(f, params)} ORDER BY time_ms, id${f.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(f.limit))}` : ''}`;
      const r = await pool.query<SelectedRow>(sql, params);
      return r.rows.map((x): StoredEvent => ({ auditID: x.audit_id, stage: x.stage, time: x.time, user: x.user, verb: x.verb, resource: x.resource, namespace: x.namespace, name: x.name, code: x.code, event: JSON.parse(x.event) as AuditEvent }));
    },
    async alerts(f) {
      const params: unknown[] = [];
      const parts: string[] = [];
      if (f.rule !== undefined) {
        params.push(f.rule);
        parts.push(`rule = $${params.length}`);
      }
      if (f.since !== undefined) {
        params.push(sinceMs(f));
        parts.push(`time_ms >= $${params.length}`);
      }
      if (f.until !== undefined) {
        params.push(untilMs(f));
        parts.push(`time_ms <= $${params.length}`);
      }
      const r = await pool.query<{ alert: string }>(`SELECT alert FROM audit_alerts ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY time_ms, id`, params);
      return r.rows.map((x) => JSON.parse(x.alert) as Alert).filter((a) => (f.user === undefined || a.user === f.user) && (f.verb === undefined || a.verb === f.verb));
    },
    async keys() {
      const r = await pool.query<{ audit_id: string; stage: string }>('SELECT audit_id, stage FROM audit_events');
      return new Set(r.rows.map((x) => keyOf(x.audit_id, x.stage)));
    },
    async prune(r: Retention, now = Date.now()) {
      let deleted = 0;
      if (r.maxAgeDays !== undefined) {
        const cutoff = now - r.maxAgeDays * 86_400_000;
        deleted += (await pool.query('DELETE FROM audit_events WHERE time_ms < $1', [cutoff])).rowCount ?? 0;
        await pool.query('DELETE FROM audit_alerts WHERE time_ms < $1', [cutoff]);
      }
      if (r.maxMb !== undefined) {
        // Live row bytes, not the relation's size: deleted rows are reused after (auto)vacuum but the
        // files never shrink below their high-water mark, so the file size cannot tell when to stop.
        const stat = (await pool.query<{ bytes: string; rows: string }>('SELECT coalesce(sum(pg_column_size(e.*)), 0) AS bytes, count(*) AS rows FROM audit_events e')).rows[0];
        const bytes = Number(stat?.bytes ?? 0);
        const rows = Number(stat?.rows ?? 0);
        const limit = r.maxMb * 1024 * 1024;
        if (bytes > limit && rows > 0) {
          const n = Math.ceil((bytes - limit) / (bytes / rows));
          deleted += (await pool.query('DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY time_ms, id LIMIT $1)', [n])).rowCount ?? 0;
          await pool.query('DELETE FROM audit_alerts WHERE time_ms < (SELECT coalesce(min(time_ms), 0) FROM audit_events)');
        }
      }
      return deleted;
    },
    async close() {
      await pool.end();
    },
  };
}
