/** The SQLite store: durability settings, retention by age and by size. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { openSqliteStore } from '../../src/audit/store-sqlite.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;
let dir: string;
let events: AuditEvent[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-sqlite-'));
  events = [];
  for await (const e of readAuditEvents([LAB])) events.push(e);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store', () => {
  it('the database is in WAL mode (synchronous=FULL is per connection: set in openSqliteStore)', async () => {
    const path = join(dir, 'mode.db');
    const store = openSqliteStore(path);
    await store.write(events.slice(0, 10), () => []);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
  });

  it('group commit: concurrent batches answered with their own counts; a batch that fails fails alone', async () => {
    const store = openSqliteStore(join(dir, 'group.db'));
    const fresh = events.slice(0, 300).map((e, i) => ({ ...e, auditID: `group-${i}` }));
    const ok = (b: AuditEvent[]) => store.write(b, () => []);
    const failing = store
      .write(fresh.slice(100, 200), () => {
        throw new Error('detector failed');
      })
      .then(
        () => 'written',
        (e: Error) => e.message,
      );
    const [first, third, repeat] = await Promise.all([ok(fresh.slice(0, 100)), ok(fresh.slice(200, 300)), ok(fresh.slice(0, 50))]);
    expect(await failing).toBe('detector failed');
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

  it('retention by age and by size removes the oldest events first', async () => {
    const store = openSqliteStore(join(dir, 'retention.db'));
    for (let i = 0; i < events.length; i += 200) await store.write(events.slice(i, i + 200), () => []);
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
