/**
 * Where `audit serve` keeps events and alerts, and what `audit query` reads: SQLite (default) or
 * PostgreSQL behind one interface. Writes are group-committed: the batches that arrive while the store
 * is busy are written together in ONE transaction (one fsync), each batch's events deduplicated by
 * (auditID, stage) through a unique index, detection run on the events that were new, their alerts
 * written alongside. Each `write` resolves only after the transaction holding its events committed,
 * so the caller answers the API server only once its events are durable.
 */
import type { Alert } from './detect.js';
import { eventTime } from './attributes.js';
import type { AuditEvent } from './read-types.js';

export interface WriteResult {
  inserted: number;
  duplicates: number;
  alerts: number;
}

export interface EventFilter {
  user?: string;
  verb?: string;
  resource?: string;
  namespace?: string;
  /** RFC 3339 */
  since?: string;
  until?: string;
  /** only events that raised an alert of this rule */
  rule?: string;
  limit?: number;
}

export interface StoredEvent {
  auditID: string;
  stage: string;
  time: string;
  user: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  code: number | null;
  event: AuditEvent;
}

/** A stored event as both SQL stores read it back (snake_case `audit_id`); `E` is how the store keeps the event body (JSON text or JSONB). */
export type SelectedRow<E> = Omit<StoredEvent, 'auditID' | 'event'> & { audit_id: string; event: E };

export interface Retention {
  maxAgeDays?: number;
  maxMb?: number;
}

export interface AuditStore {
  /** `raw[i]`, when given, is the JSON text of `events[i]` as received: stored as is instead of re-serialised */
  write(events: readonly AuditEvent[], detect: (e: AuditEvent) => Alert[], raw?: readonly string[]): Promise<WriteResult>;
  events(f: EventFilter): Promise<StoredEvent[]>;
  alerts(f: EventFilter): Promise<Alert[]>;
  /** every (auditID, stage) stored, for verification */
  keys(): Promise<Set<string>>;
  /** deletes the oldest events (and their alerts) beyond the limits; returns how many events went */
  prune(r: Retention, now?: number): Promise<number>;
  close(): Promise<void>;
}

/** The columns every store indexes. Events without an auditID get a synthetic one so they still store. */
export interface EventRow {
  auditID: string;
  stage: string;
  time: string;
  timeMs: number;
  user: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  code: number | null;
  json: string;
}

export function eventRow(e: AuditEvent, raw?: string): EventRow {
  const time = eventTime(e);
  const ms = Date.parse(time);
  return {
    auditID: e.auditID ?? '',
    stage: e.stage ?? '',
    time,
    timeMs: Number.isNaN(ms) ? 0 : ms,
    user: e.user?.username ?? '',
    verb: e.verb,
    resource: e.objectRef?.resource ?? '',
    namespace: e.objectRef?.namespace ?? '',
    name: e.objectRef?.name ?? '',
    code: e.responseStatus?.code ?? null,
    json: raw ?? JSON.stringify(e),
  };
}

/** One batch waiting for the transaction that will hold it. */
export interface PendingWrite {
  events: readonly AuditEvent[];
  detect: (e: AuditEvent) => Alert[];
  raw: readonly string[] | undefined;
}

/**
 * Group commit: `commit` writes several batches in one transaction and returns each one's result. Batches
 * that arrive while a transaction runs (or in the same turn of the event loop) wait and go together into
 * the next one. When a group fails, its batches are retried one per transaction, so a batch that cannot
 * be written fails alone instead of failing every batch it was grouped with.
 */
export function groupCommit(commit: (writes: readonly PendingWrite[]) => Promise<WriteResult[]>): AuditStore['write'] {
  let queue: { write: PendingWrite; resolve: (r: WriteResult) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const run = async () => {
    const group = queue;
    queue = [];
    try {
      const results = await commit(group.map((g) => g.write));
      group.forEach((g, i) => g.resolve(results[i] as WriteResult));
    } catch (e) {
      if (group.length === 1) group[0]?.reject(e);
      else {
        for (const g of group) {
          await commit([g.write]).then(
            ([r]) => g.resolve(r as WriteResult),
            (err: unknown) => g.reject(err),
          );
        }
      }
    }
    if (queue.length > 0) setImmediate(() => void run());
    else scheduled = false;
  };
  return (events, detect, raw) =>
    new Promise<WriteResult>((resolve, reject) => {
      queue.push({ write: { events, detect, raw }, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // after the current turn, so every batch whose body arrived in it joins the transaction
        setImmediate(() => void run());
      }
    });
}

export function keyOf(auditID: string, stage: string): string {
  return `${auditID}\u0000${stage}`;
}

/** `sqlite:PATH` (or a bare path) or `postgres://...`. */
export async function openStore(spec: string): Promise<AuditStore> {
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { openPostgresStore } = await import('./store-pg.js');
    return openPostgresStore(spec);
  }
  const { openSqliteStore } = await import('./store-sqlite.js');
  return openSqliteStore(spec.replace(/^sqlite:/, ''));
}

export function sinceMs(f: EventFilter): number | undefined {
  return f.since === undefined ? undefined : Date.parse(f.since);
}

export function untilMs(f: EventFilter): number | undefined {
  return f.until === undefined ? undefined : Date.parse(f.until);
}
