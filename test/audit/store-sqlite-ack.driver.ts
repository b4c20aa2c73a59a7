/**
 * Run under strace by store-sqlite-ack.test.ts (not a test itself): writes BATCHES batches to a SQLite
 * store one after the other and, when each write has resolved, tries to open `<marker dir>/acked-<i>`
 * (which does not exist), so the trace shows where in the store's system calls each answer came.
 */
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { openSqliteStore } from '../../src/audit/store-sqlite.js';
import { eventBatch } from './serve-helpers.js';

const [path, markers, count] = process.argv.slice(2);
if (!path || !markers || !count) throw new Error('usage: store-sqlite-ack.driver.ts DB MARKER_DIR BATCHES');
const lab: AuditEvent[] = [];
for await (const e of readAuditEvents([new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname])) lab.push(e);
const store = await openSqliteStore(path);
for (let i = 0; i < Number(count); i++) {
  await store.write(eventBatch(lab.slice(0, 50).map((e, k) => ({ ...e, auditID: `ack-${i}-${k}` }))));
  try {
    openSync(join(markers, `acked-${i}`), 'r');
  } catch {
    // the marker is never there: only the attempt matters
  }
}
await store.close();
