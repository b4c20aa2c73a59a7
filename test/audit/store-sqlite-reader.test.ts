/**
 * A long read on the store's database (an `audit query` over a wide range, a backup) holds a snapshot
 * of the WAL, so no checkpoint can let the WAL start over while it lasts. Writes must go on meanwhile
 * without waiting for the reader: the WAL grows until the reader is done, then starts over.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { openSqliteStore } from '../../src/audit/store-sqlite.js';
import { eventBatch } from './serve-helpers.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;
let dir: string;
let events: AuditEvent[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-sqlite-reader-'));
  events = [];
  for await (const e of readAuditEvents([LAB])) events.push(e.stage === 'ResponseComplete' ? e : { ...e, stage: 'ResponseComplete' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store with a long reader', () => {
  it('writes are not held up by a reader that keeps the WAL from starting over', async () => {
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
});
