/**
 * The PostgreSQL store against a real Debian `postgresql` server the test starts (test/helpers/postgres.ts:
 * initdb into a temp dir, trust auth, a free port on 127.0.0.1), removed in afterAll.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectEvents } from '../../src/audit/detect.js';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { startAuditServer, type AuditServer } from '../../src/audit/serve.js';
import { keyOf, openStore, type AuditStore } from '../../src/audit/store.js';
import { runCli } from '../helpers/cli.js';
import { createCa, issueCert, pkiDir, rmPki, type CertFiles } from '../helpers/openssl-pki.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { batches, call, eventBatch, eventList, waitForHealth } from './serve-helpers.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;

let postgres: PostgresServer;
let url: string;
let events: AuditEvent[];

beforeAll(async () => {
  postgres = await startPostgres();
  url = postgres.url;
  events = [];
  for await (const e of readAuditEvents([LAB])) events.push(e);
}, 60_000);

afterAll(() => postgres?.remove());

describe('PostgreSQL store', () => {
  let store: AuditStore;
  beforeAll(async () => {
    store = await openStore(url);
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes batches in one transaction, dedupes (auditID, stage), stores the alerts of new events only', async () => {
    let alerts = 0;
    for (let i = 0; i < events.length; i += 100) alerts += (await store.write(eventBatch(events.slice(i, i + 100)))).alerts;
    const again = await store.write(eventBatch(events.slice(0, 100)));
    expect(again).toEqual({ inserted: 0, duplicates: 100, alerts: 0 });
    const keys = await store.keys();
    expect(keys.size).toBe(new Set(events.map((e) => keyOf(e.auditID ?? '', e.stage ?? ''))).size);
    const offline = await detectEvents(events);
    expect(alerts).toBe(offline.alerts.length);
    expect((await store.alerts({})).map((a) => `${a.rule} ${a.auditID}`)).toEqual(offline.alerts.map((a) => `${a.rule} ${a.auditID}`));
  });

  it('query through the CLI: filters and rule', async () => {
    const bob = await runCli(['audit', 'query', '--store', url, '--user', 'oidc:bob@example.test', '--verb', 'list', '--resource', 'secrets', '--format', 'json']);
    expect(bob.code).toBe(0);
    expect((JSON.parse(bob.stdout) as AuditEvent[]).map((e) => e.responseStatus?.code)).toEqual([403]);
    const exec = await runCli(['audit', 'query', '--store', url, '--rule', 'audit/pod-exec', '--format', 'json']);
    expect((JSON.parse(exec.stdout) as AuditEvent[]).every((e) => e.objectRef?.subresource === 'exec')).toBe(true);
  });

  it('a failed write rolls back the whole batch', async () => {
    const before = (await store.keys()).size;
    const fresh = events.slice(0, 3).map((e, i) => ({ ...e, auditID: `rollback-${i}` }));
    // a real failure of the third insert: the server refuses it
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by trigger'; END $$ LANGUAGE plpgsql");
    await db.query("CREATE TRIGGER refuse BEFORE INSERT ON audit_events FOR EACH ROW WHEN (NEW.audit_id = 'rollback-2') EXECUTE FUNCTION refuse()");
    try {
      await expect(store.write(eventBatch(fresh))).rejects.toThrow('refused by trigger');
    } finally {
      await db.query('DROP TRIGGER refuse ON audit_events');
      await db.end();
    }
    expect((await store.keys()).size).toBe(before);
  });

  it('group commit: concurrent batches answered with their own counts; a batch that fails fails alone', async () => {
    const before = (await store.keys()).size;
    const fresh = events.slice(0, 30).map((e, i) => ({ ...e, auditID: `pg-group-${i}` }));
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query("CREATE FUNCTION refuse_group() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by trigger'; END $$ LANGUAGE plpgsql");
    await db.query("CREATE TRIGGER refuse_group BEFORE INSERT ON audit_events FOR EACH ROW WHEN (NEW.audit_id = 'pg-group-15') EXECUTE FUNCTION refuse_group()");
    try {
      // written in the same turn: one group, one transaction, which the trigger fails
      const outcomes = await Promise.all([fresh.slice(0, 10), fresh.slice(10, 20), fresh.slice(20, 30)].map((b) => store.write(eventBatch(b)).then((r) => r.inserted, (e: Error) => e.message)));
      expect(outcomes).toEqual([10, 'refused by trigger', 10]);
    } finally {
      await db.query('DROP TRIGGER refuse_group ON audit_events');
      await db.end();
    }
    const keys = await store.keys();
    expect(keys.size).toBe(before + 20);
    expect(fresh.slice(10, 20).some((e) => keys.has(`${e.auditID}\u0000${e.stage ?? ''}`))).toBe(false);
  });

  it('an event holding \\u0000 (valid JSON that jsonb would refuse) is stored and read back as sent', async () => {
    const nul = { ...(events[0] as AuditEvent), auditID: 'nul-0', userAgent: 'curl\u0000evil', objectRef: { resource: 'secrets', namespace: 'default', name: 'a\u0000b' } };
    const batch = eventBatch([nul]);
    expect(batch.body.includes('\\u0000')).toBe(true);
    expect(await store.write(batch)).toEqual({ inserted: 1, duplicates: 0, alerts: 0 });
    const [stored] = (await store.events({ resource: 'secrets', namespace: 'default' })).filter((e) => e.auditID === 'nul-0');
    // a text column holds no NUL: the indexed copy has U+FFFD, the event itself is as sent
    expect(stored?.name).toBe('a\ufffdb');
    expect(stored?.event).toEqual(nul);
  });

  it('retention by age removes old events', async () => {
    // the lab log is from 2026-11-28 13:07; "now" one day and a bit later with a 1-day limit removes all of it
    const before = (await store.keys()).size;
    expect(await store.prune({ maxAgeDays: 2 }, Date.parse('2026-11-29T14:00:00Z'))).toBe(0);
    expect(await store.prune({ maxAgeDays: 1 }, Date.parse('2026-11-29T14:00:00Z'))).toBe(before);
    expect((await store.keys()).size).toBe(0);
  });
});

describe('PostgreSQL store made by an earlier version (events and alerts as jsonb)', () => {
  it('is migrated to text on open, its events still read, new ones written', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE DATABASE legacy');
    await admin.end();
    const legacyUrl = url.replace(/\/[^/?]*(\?|$)/, '/legacy$1');
    const db = new pg.Client({ connectionString: legacyUrl });
    await db.connect();
    await db.query(`CREATE TABLE audit_events (id BIGSERIAL PRIMARY KEY, audit_id TEXT NOT NULL, stage TEXT NOT NULL, time TEXT NOT NULL, time_ms BIGINT NOT NULL, "user" TEXT NOT NULL, verb TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, code INTEGER, event JSONB NOT NULL);
      CREATE UNIQUE INDEX audit_events_key ON audit_events (audit_id, stage);
      CREATE TABLE audit_alerts (id BIGSERIAL PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL, audit_id TEXT NOT NULL, time_ms BIGINT NOT NULL, alert JSONB NOT NULL);
      CREATE UNIQUE INDEX audit_alerts_key ON audit_alerts (rule, audit_id);
      INSERT INTO audit_events (audit_id, stage, time, time_ms, "user", verb, resource, namespace, name, code, event) VALUES ('old', 'ResponseComplete', '', 0, '', 'get', '', '', '', 200, '{"verb": "get", "auditID": "old"}')`);
    const store = await openStore(legacyUrl);
    expect(await store.write(eventBatch(events.slice(0, 10)))).toEqual({ inserted: 10, duplicates: 0, alerts: 0 });
    expect((await store.events({})).find((e) => e.auditID === 'old')?.event).toEqual({ verb: 'get', auditID: 'old' });
    await store.close();
    const types = await db.query<{ data_type: string }>("SELECT data_type FROM information_schema.columns WHERE table_name IN ('audit_events', 'audit_alerts') AND column_name IN ('event', 'alert')");
    expect(types.rows.map((r) => r.data_type)).toEqual(['text', 'text']);
    await db.end();
  });
});

describe('audit serve on PostgreSQL', () => {
  let pki: string;
  let ca: CertFiles;
  let client: CertFiles;
  let server: AuditServer;
  let store: AuditStore;
  let port: number;
  beforeAll(async () => {
    pki = pkiDir('kubeward-serve-pg-');
    ca = createCa(pki, 'audit-ca');
    const cert = issueCert(ca, pki, 'server', { cn: 'kubeward-audit', sans: ['IP:127.0.0.1'], usage: 'server' });
    client = issueCert(ca, pki, 'apiserver', { cn: 'kube-apiserver-audit', usage: 'client' });
    store = await openStore(url);
    server = await startAuditServer({ host: '127.0.0.1', port: 0, tls: { cert: readFileSync(cert.cert), key: readFileSync(cert.key), clientCa: readFileSync(ca.cert) }, store, maxInFlight: 1, log: () => undefined });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmPki(pki);
  });

  it('group commit: concurrent batches share transactions, each answered with its own counts', async () => {
    const fresh = events.slice(0, 400).map((e, i) => ({ ...e, auditID: `group-${i}` }));
    // five batches at once, the last repeating the first: 400 new events and 80 duplicates in all
    const writes = [...batches(fresh, 80), fresh.slice(0, 80)].map((b) => store.write(eventBatch(b)));
    const results = await Promise.all(writes);
    expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(400);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(80);
    expect(results[0]).toEqual({ inserted: 80, duplicates: 0, alerts: 0 });
    // rows written by one transaction carry its id in xmin: all five batches were one transaction
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const tx = await db.query<{ n: string }>("SELECT count(DISTINCT xmin::text) AS n FROM audit_events WHERE audit_id LIKE 'group-%'");
    await db.end();
    expect(Number(tx.rows[0]?.n)).toBe(1);
  });

  it('429 while a batch waits for a locked table, 503 while the server is down; acknowledged events stay stored', async () => {
    const fresh = events.slice(0, 150).map((e, i) => ({ ...e, auditID: `outage-${i}` }));
    const [a, b, c] = batches(fresh, 50) as [AuditEvent[], AuditEvent[], AuditEvent[]];
    const post = (items: AuditEvent[]) => call(port, { ca, id: client, body: eventList(items) });
    expect((await post(a)).status).toBe(200);
    // another session locks the table: the next batch's INSERT waits, and one more batch is over the bound of 1
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE audit_events IN EXCLUSIVE MODE');
    const waiting = post(b);
    await waitForHealth(port, ca, client, (h) => h.inFlight === 1);
    expect(await post(c)).toMatchObject({ status: 429, retryAfter: '1' });
    await locker.query('ROLLBACK');
    await locker.end();
    expect((await waiting).status).toBe(200);
    // the server stops: 503 (the API server keeps the batch and retries); back up, the retry is stored
    postgres.stop();
    expect(await post(c)).toMatchObject({ status: 503, retryAfter: '2' });
    postgres.start();
    expect((await post(c)).status).toBe(200);
    const keys = await store.keys();
    expect(fresh.every((e) => keys.has(keyOf(e.auditID, e.stage ?? '')))).toBe(true);
  }, 60_000);
});
