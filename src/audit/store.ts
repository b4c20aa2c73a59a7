/**
 * Where `audit serve` keeps events and alerts, and what `audit query` reads: SQLite (default) or
 * PostgreSQL behind one interface. A write is one transaction: events deduplicated by (auditID, stage)
 * through a unique index, detection run on the events that were new, their alerts written alongside.
 * The caller answers the API server only after `write` resolves, i.e. after the commit is durable.
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

/** A stored event as both SQL stores read it back (snake_case columns); `E` is how the store keeps the event body (JSON text or JSONB). */
export interface SelectedRow<E> {
  audit_id: string;
  stage: string;
  time: string;
  user: string;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  code: number | null;
  event: E;
}

export interface Retention {
  maxAgeDays?: number;
  maxMb?: number;
}

export interface AuditStore {
  write(events: readonly AuditEvent[], detect: (e: AuditEvent) => Alert[]): Promise<WriteResult>;
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

export function eventRow(e: AuditEvent): EventRow {
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
    json: JSON.stringify(e),
  };
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
