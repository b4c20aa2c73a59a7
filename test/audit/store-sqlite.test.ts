/** The SQLite store: durability settings, the WAL under load and under a long reader, retention by age and by size. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEvents } from '../../src/audit/detect.js';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { openSqliteQueries, openSqliteStore, PAGE_SIZE } from '../../src/audit/store-sqlite.js';
import type { AuditQueries, EventFilter, StoredEvent } from '../../src/audit/store.js';
import { eventBatch } from './serve-helpers.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;
let dir: string;
let events: AuditEvent[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-sqlite-'));
  events = [];
  for await (const e of readAuditEvents([LAB])) events.push(e);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a query by user must answer: the events of a query without the user, filtered here. */
async function expectSameByUser(q: AuditQueries, users: string[]): Promise<void> {
  const key = (e: StoredEvent) => `${e.auditID} ${e.stage}`;
  const alerted = await q.alerts({});
  const rule = alerted[0]?.rule ?? '';
  expect(rule).not.toBe('');
  const all = await q.events({});
  const since = all[Math.floor(all.length / 3)]?.time ?? '';
  const until = all[Math.floor((2 * all.length) / 3)]?.time ?? '';
  for (const user of users) {
    const filters: [EventFilter, (e: StoredEvent) => boolean][] = [
      [{}, () => true],
      [{ verb: 'get' }, (e) => e.verb === 'get'],
      // the store compares times in ms (time_ms)
      [{ since, until }, (e) => Date.parse(e.time) >= Date.parse(since) && Date.parse(e.time) <= Date.parse(until)],
      [{ rule }, (e) => alerted.some((a) => a.rule === rule && a.auditID === e.auditID)],
    ];
    for (const [f, keep] of filters) {
      const expected = all.filter((e) => e.user === user && keep(e)).map(key);
      expect((await q.events({ ...f, user })).map(key), `${user} ${JSON.stringify(f)}`).toEqual(expected);
      expect((await q.events({ ...f, user, limit: 3 })).map(key)).toEqual(expected.slice(0, 3));
    }
  }
}

const count = (path: string, sql: string) => {
  const db = new Database(path, { readonly: true });
  const n = db.prepare(sql).pluck().get() as number;
  db.close();
  return n;
};

describe('SQLite store', () => {
  it('the database is in WAL mode (synchronous is per connection: set by each connection)', async () => {
    const path = join(dir, 'mode.db');
    const store = await openSqliteStore(path);
    await store.write(eventBatch(events.slice(0, 10)));
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
  });

  it('a new database gets 16 KB pages; a database made with other pages keeps them and is written as before', async () => {
    const fresh = join(dir, 'pages-new.db');
    const store = await openSqliteStore(fresh);
    await store.write(eventBatch(events.slice(0, 10)));
    await store.close();
    const older = join(dir, 'pages-4k.db');
    const made = new Database(older);
    made.pragma('journal_mode = WAL');
    made.exec('CREATE TABLE earlier (x)');
    made.close();
    const reopened = await openSqliteStore(older);
    expect((await reopened.write(eventBatch(events.slice(0, 10)))).inserted).toBe(10);
    await reopened.close();
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      const size = db.pragma('page_size', { simple: true });
      db.close();
      return size;
    };
    expect(pageSize(fresh)).toBe(PAGE_SIZE);
    expect(PAGE_SIZE).toBe(16384);
    expect(pageSize(older)).toBe(4096);
  });

  it('group commit: concurrent batches answered with their own counts; a batch that fails fails alone', async () => {
    const path = join(dir, 'group.db');
    const store = await openSqliteStore(path);
    // a real failure for one event of one batch: the database refuses it
    const ddl = new Database(path);
    ddl.exec("CREATE TRIGGER refuse BEFORE INSERT ON audit_events WHEN NEW.audit_id = 'group-150' BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END");
    ddl.close();
    const fresh = events.slice(0, 300).map((e, i) => ({ ...e, auditID: `group-${i}` }));
    const ok = (b: AuditEvent[]) => store.write(eventBatch(b));
    const failing = store
      .write(eventBatch(fresh.slice(100, 200)))
      .then(
        () => 'written',
        (e: Error) => e.message,
      );
    const [first, third, repeat] = await Promise.all([ok(fresh.slice(0, 100)), ok(fresh.slice(200, 300)), ok(fresh.slice(0, 50))]);
    expect(await failing).toBe('refused by trigger');
    expect([first, third, repeat]).toEqual([
      { inserted: 100, duplicates: 0, alerts: 0 },
      { inserted: 100, duplicates: 0, alerts: 0 },
      { inserted: 0, duplicates: 50, alerts: 0 },
    ]);
    const keys = await store.keys();
    expect(keys.size).toBe(200);
    expect(fresh.slice(100, 200).some((e) => keys.has(`${e.auditID}\u0000${e.stage ?? ''}`))).toBe(false);
    await store.close();
  });

  it('a body that alone holds its memory is moved to the writer thread, one that shares it is copied; both are stored', async () => {
    const store = await openSqliteStore(join(dir, 'handover.db'));
    const own = eventBatch(events.slice(0, 20).map((e, i) => ({ ...e, auditID: `own-${i}` })));
    const shared = eventBatch(events.slice(0, 20).map((e, i) => ({ ...e, auditID: `shared-${i}` })));
    // the shared body is a view into a larger buffer, as a chunk of a socket's read buffer would be
    const larger = Buffer.alloc(shared.body.length + 64, 0x20);
    shared.body.copy(larger, 32);
    const view = larger.subarray(32, 32 + shared.body.length);
    expect(own.body.buffer.byteLength).toBe(own.body.length);
    const [a, b] = await Promise.all([store.write(own), store.write({ body: view, events: shared.events })]);
    expect([a.inserted, b.inserted]).toEqual([20, 20]);
    expect(own.body.length).toBe(0);
    expect(view.toString()).toBe(shared.body.toString());
    expect((await store.keys()).size).toBe(40);
    await store.close();
  });

  it('dedupes a retried batch by (auditID, stage); two requests that share an auditID at different times are both kept', async () => {
    const store = await openSqliteStore(join(dir, 'dedupe.db'));
    const first = { ...(events[0] as AuditEvent), auditID: 'client-chosen-id' };
    const later = { ...first, requestReceivedTimestamp: '2026-11-28T14:00:00.000000Z', stageTimestamp: '2026-11-28T14:00:00.001000Z' };
    expect(await store.write(eventBatch([first]))).toEqual({ inserted: 1, duplicates: 0, alerts: 0 });
    expect(await store.write(eventBatch([first]))).toEqual({ inserted: 0, duplicates: 1, alerts: 0 });
    expect(await store.write(eventBatch([later, first]))).toEqual({ inserted: 1, duplicates: 1, alerts: 0 });
    expect((await store.events({})).map((e) => e.time)).toEqual([first.requestReceivedTimestamp, later.requestReceivedTimestamp]);
    await store.close();
  });

  it('an event holding \\u0000 is stored and read back as sent', async () => {
    const store = await openSqliteStore(join(dir, 'nul.db'));
    const nul = { ...(events[0] as AuditEvent), auditID: 'nul-0', objectRef: { resource: 'secrets', namespace: 'default', name: 'a\u0000b' } };
    expect(await store.write(eventBatch([nul]))).toEqual({ inserted: 1, duplicates: 0, alerts: 0 });
    const [stored] = await store.events({ resource: 'secrets' });
    expect(stored?.name).toBe('a\u0000b');
    expect(stored?.event).toEqual(nul);
    await store.close();
  });

  it('a group whose transaction failed raises its alerts again when it is retried (rules without counters)', async () => {
    // rules that judge each event alone; the burst rules count the failed attempt too (a documented limit)
    const rules = ['audit/pod-exec', 'audit/secrets-read', 'audit/impersonation', 'audit/nodes-proxy', 'audit/anonymous-allowed'];
    const path = join(dir, 'retry.db');
    const store = await openSqliteStore(path, { rules });
    const alerting = new Set((await detectEvents(events, { rules })).alerts.map((a) => a.auditID));
    const batch = events.filter((e) => alerting.has(e.auditID ?? '')).slice(0, 50);
    const expected = (await detectEvents(batch, { rules })).alerts.map((a) => `${a.rule} ${a.auditID}`);
    expect(expected.length).toBeGreaterThan(0);
    // the database refuses the batch's last event once (a real failure), then the batch is sent again
    const ddl = new Database(path);
    ddl.exec(`CREATE TABLE outage (x); INSERT INTO outage VALUES (1); CREATE TRIGGER refuse BEFORE INSERT ON audit_events WHEN NEW.audit_id = '${batch.at(-1)?.auditID ?? ''}' AND EXISTS (SELECT 1 FROM outage) BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END`);
    await expect(store.write(eventBatch(batch))).rejects.toThrow('refused by trigger');
    ddl.exec('DELETE FROM outage');
    ddl.close();
    expect((await store.write(eventBatch(batch))).alerts).toBe(expected.length);
    expect((await store.alerts({})).map((a) => `${a.rule} ${a.auditID}`)).toEqual(expected);
    await store.close();
  });

  it('detection runs in the writer thread with the options the store was opened with', async () => {
    const suspicious = new Set((await detectEvents(events)).alerts.map((a) => a.user).filter((u) => u.startsWith('oidc:')));
    const trustedUsers = [...suspicious];
    expect(trustedUsers.length).toBeGreaterThan(0);
    const store = await openSqliteStore(join(dir, 'trusted.db'), { trustedUsers });
    let alerts = 0;
    for (let i = 0; i < events.length; i += 200) alerts += (await store.write(eventBatch(events.slice(i, i + 200)))).alerts;
    const offline = await detectEvents(events, { trustedUsers });
    expect(alerts).toBe(offline.alerts.length);
    expect((await store.alerts({})).map((a) => `${a.rule} ${a.auditID}`)).toEqual(offline.alerts.map((a) => `${a.rule} ${a.auditID}`));
    await store.close();
  });

  it('the WAL does not grow with the load: it restarts from its beginning every 16 MiB of events written', async () => {
    const path = join(dir, 'wal.db');
    const store = await openSqliteStore(path);
    // 90 MiB of events in batches of 100, from 8 clients that each send the next batch when the last is
    // acknowledged (as audit serve's callers do): the writer commits group after group without a pause
    const batch = (n: number) => eventBatch(events.slice(0, 100).map((e, i) => ({ ...e, auditID: `wal-${n}-${i}` })));
    const batches = Array.from({ length: Math.ceil((90 * 1024 * 1024) / batch(0).body.length) }, (_, n) => batch(n));
    let next = 0;
    const client = async () => {
      for (let b = batches[next++]; b; b = batches[next++]) await store.write(b);
    };
    await Promise.all(Array.from({ length: 8 }, client));
    expect((await store.keys()).size).toBe(batches.length * 100);
    // the file's high-water mark: without restarts it would hold every event written (~130 MB here)
    expect(statSync(`${path}-wal`).size).toBeLessThan(64 * 1024 * 1024);
    await store.close();
  }, 120_000);

  it('writes are not held up by a reader that keeps the WAL from starting over', async () => {
    // A long read (an `audit query` over a wide range, a backup) holds a snapshot of the WAL, so no
    // checkpoint can let the WAL start over while it lasts; writes go on without waiting for it.
    const path = join(dir, 'reader.db');
    const store = await openSqliteStore(path);
    const batch = (n: number) => eventBatch(events.slice(0, 100).map((e, i) => ({ ...e, auditID: `reader-${n}-${i}` })));
    await store.write(batch(-1));
    // a reader in the middle of a read transaction, as a long query is
    const reader = new Database(path, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM audit_events').get();
    // 48 MiB: past the writer's PASSIVE tries (16 MiB) and its RESTART (32 MiB), which cannot succeed now
    const count = Math.ceil((48 * 1024 * 1024) / batch(0).body.length);
    let slowest = 0;
    let next = 0;
    const client = async () => {
      for (let n = next++; n < count; n = next++) {
        const started = performance.now();
        await store.write(batch(n));
        slowest = Math.max(slowest, performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    const grown = statSync(`${path}-wal`).size;
    reader.exec('COMMIT');
    reader.close();
    // the reader is gone: the WAL starts over within the next WAL_RESTART_BYTES or two, so the file stops growing
    for (let n = count; n < count + Math.ceil(count * 0.75); n++) await store.write(batch(n));
    expect((await store.keys()).size).toBe(count * 100 + Math.ceil(count * 0.75) * 100 + 100);
    expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(grown);
    await store.close();
    // without a short wait for readers, a RESTART here waited busy_timeout (5 s) for the reader
    expect(slowest).toBeLessThan(2000);
  }, 180_000);

  it('by user: the writer adds the events to audit_events_by_user in arrears; a query reads them and those not added yet', async () => {
    const path = join(dir, 'by-user.db');
    const store = await openSqliteStore(path);
    const users = [...new Set(events.map((e) => e.user?.username ?? ''))];
    await store.write(eventBatch(events.slice(0, 1200)));
    // a group's transaction adds the events written since when BY_USER_EVERY_MS (100 ms) have passed
    await new Promise((r) => setTimeout(r, 150));
    await store.write(eventBatch(events.slice(1200)));
    expect(count(path, 'SELECT count(*) FROM audit_events_by_user')).toBe(events.length);
    expect(count(path, "SELECT value FROM audit_state WHERE name = 'by_user_through'")).toBe(count(path, 'SELECT max(id) FROM audit_events'));
    await expectSameByUser(store, users);
    // the events after by_user_through are read by id: as the last ones are before the writer adds them
    const db = new Database(path);
    db.exec("DELETE FROM audit_events_by_user WHERE id > 1000; UPDATE audit_state SET value = 1000 WHERE name = 'by_user_through'");
    db.close();
    await expectSameByUser(store, users);
    await store.close();
  });

  it('a store an older kubeward wrote (an index on user): read-only queries by user use the index; opened, every event is added', async () => {
    const path = join(dir, 'by-user-older.db');
    const store = await openSqliteStore(path);
    await store.write(eventBatch(events));
    await store.close();
    const older = new Database(path);
    older.exec('DROP TABLE audit_events_by_user; DROP TABLE audit_state; CREATE INDEX audit_events_user ON audit_events (user, time_ms)');
    older.close();
    const users = [...new Set(events.map((e) => e.user?.username ?? ''))];
    const readOnly = openSqliteQueries(path);
    await expectSameByUser(readOnly, users);
    await readOnly.close();
    const reopened = await openSqliteStore(path);
    expect(count(path, 'SELECT count(*) FROM audit_events_by_user')).toBe(events.length);
    expect(count(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'audit_events_user'")).toBe(0);
    await expectSameByUser(reopened, users);
    await reopened.close();
  });

  it('retention that removes the newest events: their ids come again, and the new events are found by user', async () => {
    const path = join(dir, 'by-user-prune.db');
    const store = await openSqliteStore(path);
    await store.write(eventBatch(events.slice(0, 600)));
    await new Promise((r) => setTimeout(r, 150));
    await store.write(eventBatch(events.slice(600, 1200)));
    expect(count(path, "SELECT value FROM audit_state WHERE name = 'by_user_through'")).toBe(1200);
    // every event is older than a day: all go, with their rows in audit_events_by_user
    expect(await store.prune({ maxAgeDays: 1 }, Date.parse('2026-11-30T00:00:00Z'))).toBe(1200);
    expect(count(path, 'SELECT count(*) FROM audit_events_by_user')).toBe(0);
    const later = events.slice(0, 300).map((e, i) => ({ ...e, auditID: `later-${i}` }));
    await store.write(eventBatch(later));
    expect(count(path, 'SELECT max(id) FROM audit_events')).toBe(300);
    const user = later[0]?.user?.username ?? '';
    expect((await store.events({ user })).map((e) => e.auditID)).toEqual((await store.events({})).filter((e) => e.user === user).map((e) => e.auditID));
    expect((await store.events({ user })).length).toBe(later.filter((e) => e.user?.username === user).length);
    await new Promise((r) => setTimeout(r, 150));
    await store.write(eventBatch(events.slice(300, 310)));
    expect(count(path, 'SELECT count(*) FROM audit_events_by_user')).toBe(310);
    // retention by size deletes their rows in audit_events_by_user with them
    await store.write(eventBatch(events.slice(310)));
    await store.prune({ maxMb: 1 });
    await new Promise((r) => setTimeout(r, 150));
    await store.write(eventBatch(events.slice(0, 1).map((e) => ({ ...e, auditID: 'last' }))));
    expect(count(path, 'SELECT count(*) FROM audit_events_by_user')).toBe(count(path, 'SELECT count(*) FROM audit_events'));
    await store.close();
  });

  it('retention by age and by size removes the oldest events first', async () => {
    const store = await openSqliteStore(join(dir, 'retention.db'));
    for (let i = 0; i < events.length; i += 200) await store.write(eventBatch(events.slice(i, i + 200)));
    const all = (await store.keys()).size;
    expect(await store.prune({ maxAgeDays: 30 }, Date.parse('2026-12-01T00:00:00Z'))).toBe(0);
    // the log is ~4.7 MB of JSON; keep 1 MiB
    const removed = await store.prune({ maxMb: 1 });
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(all);
    const left = await store.events({});
    const newestRemoved = events.map((e) => e.requestReceivedTimestamp ?? '').sort()[removed - 1] ?? '';
    expect(left.every((e) => e.time >= newestRemoved)).toBe(true);
    expect(await store.prune({ maxAgeDays: 1 }, Date.parse('2026-11-30T00:00:00Z'))).toBe(left.length);
    await store.close();
  });
});
