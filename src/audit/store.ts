/**
 * Where `audit serve` keeps events and alerts, and what `audit query` reads: SQLite (default) or
 * PostgreSQL behind one interface. Writes are group-committed: the batches that arrive while the store
 * is busy are written together in ONE transaction (one fsync), each batch's events deduplicated by
 * (auditID, stage) through a unique index, detection run on the events that were new, their alerts
 * written alongside. Each `write` resolves only after the transaction holding its events committed,
 * so the caller answers the API server only once its events are durable.
 *
 * The unique index is on the request key (time_ms, audit_id, stage), time_ms being the request's
 * receive time (eventTime), the same in each stage of a request and in every retry of a batch (the
 * webhook backend resends the same events), so retries are deduplicated by (auditID, stage). The time
 * leads because it grows: new keys land at the end of the index, while auditIDs are random UUIDs that
 * would touch a different index page per event, and every page a transaction touches is written again
 * to the WAL (measured: 6.6 KB written per 2 KB event with (audit_id, stage), 3.0 KB with the time
 * first). Two different requests that share an auditID (a client may choose its Audit-ID header) at
 * different times are both kept.
 */
import { createDetector, rulesPrefilter, selectRules, type Alert, type DetectOptions } from './detect.js';
import type { ScannedEvent } from './event-list.js';
import { lineFilter } from './read-lines.js';
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

/** A stored event: the indexed fields as scanEventList read them, and the event itself. */
export type StoredEvent = Omit<ScannedEvent, 'start' | 'end' | 'timeMs' | 'facts'> & { event: AuditEvent };

/** A stored event as both SQL stores read it back (snake_case `audit_id`, the event's JSON text). */
export type SelectedRow = Omit<StoredEvent, 'auditID' | 'event'> & { audit_id: string; event: string };

export interface Retention {
  maxAgeDays?: number;
  maxMb?: number;
}

/** What `audit query` reads. */
export type AuditQueries = Pick<AuditStore, 'events' | 'alerts' | 'keys' | 'close'>;

export interface AuditStore {
  /** Resolves once the batch's new events, and the alerts detection raised on them, are committed. */
  write(batch: EventBatch): Promise<WriteResult>;
  events(f: EventFilter): Promise<StoredEvent[]>;
  alerts(f: EventFilter): Promise<Alert[]>;
  /** every (auditID, stage) stored, for verification */
  keys(): Promise<Set<string>>;
  /** deletes the oldest events (and their alerts) beyond the limits; returns how many events went */
  prune(r: Retention, now?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * One webhook request's events: the body as received (UTF-8 JSON) and where each event sits in it with
 * the columns every store indexes (event-list.ts scanEventList). Stores keep each event as the bytes the
 * API server sent: nothing is parsed or serialised again to store it.
 */
export interface EventBatch {
  /** the request body; a store may take over its memory (the SQLite store moves it to its writer thread), so it is not read after `write` */
  body: Buffer;
  events: readonly ScannedEvent[];
}

/**
 * Detection as the stores run it, inside the transaction that inserts the events, on the events that
 * were new, in two steps that may run on different threads: `wanted`, the detector's prefilters, and
 * `detect`, which parses a wanted event and runs the rules. An event is wanted when it passes some
 * rule's `fields` (its condition on the fields scanEventList read: no byte is read again) and its text
 * holds some rule's prefilter group (an event pretty-printed over several lines always passes that
 * one: it reads one line at a time). The fields leave 19% of the attack-heavy lab log's events and
 * 15% of the synthetic log's to the text prefilter (which alone read every event, at 11 µs each, and
 * passed 18% of the lab log; both steps pass 11%).
 */
export function detectionPrefilter(opts: DetectOptions | undefined): (body: Buffer, e: ScannedEvent) => boolean {
  const rules = selectRules(opts?.rules);
  const filter = lineFilter(rulesPrefilter(rules));
  const conditions = rules.map((r) => r.fields);
  const byFields = conditions.every((c) => c !== undefined) ? (e: ScannedEvent) => conditions.some((c) => c?.(e)) : () => true;
  if (!filter) return (_body, e) => byFields(e);
  return (body, e) => {
    if (!byFields(e)) return false;
    if (body.subarray(e.start, e.end).includes(NEWLINE)) return true;
    let wanted = false;
    filter.scan(body, e.start, e.end, (_b, _s, _e, w) => (wanted = w));
    return wanted;
  };
}

const NEWLINE = 0x0a;

/** The second step: the alerts a wanted event raises. */
export function eventDetector(opts: DetectOptions | undefined): (body: Buffer, e: Pick<ScannedEvent, 'start' | 'end'>) => Alert[] {
  // the store's (rule, auditID) index keeps one alert per rule and request, also across a failed and retried group
  const detector = createDetector({ ...opts, reportOnce: false });
  return (body, e) => detector.process(JSON.parse(body.toString('utf8', e.start, e.end)) as AuditEvent);
}

/**
 * Group commit: `commit` writes several batches in one transaction and returns each one's result, or the
 * error that batch failed with (a store whose group transaction fails writes its batches again one per
 * transaction, so a batch that cannot be written fails alone: the SQLite writer thread, which holds the
 * bodies, and the PostgreSQL store each do). Batches that arrive while transactions run (or in the same
 * turn of the event loop) wait and go together into the next one. Up to `depth` groups are handed to
 * `commit` at once: the SQLite writer thread then finds the next group queued when it finishes a COMMIT
 * instead of waiting for this thread to send it (the transactions still run one after the other there).
 */
export function groupCommit(commit: (writes: readonly EventBatch[]) => Promise<(WriteResult | Error)[]>, depth = 1): AuditStore['write'] {
  let queue: { write: EventBatch; resolve: (r: WriteResult) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;
  let scheduled = false;
  const schedule = () => {
    if (scheduled || running >= depth || queue.length === 0) return;
    scheduled = true;
    // after the current turn, so every batch whose body arrived in it joins the transaction
    setImmediate(() => {
      scheduled = false;
      void run();
    });
  };
  const run = async () => {
    const group = queue;
    queue = [];
    running++;
    try {
      const results = await commit(group.map((g) => g.write));
      group.forEach((g, i) => {
        const r = results[i];
        if (r === undefined || r instanceof Error) g.reject(r ?? new Error('the store gave no result for the batch'));
        else g.resolve(r);
      });
    } catch (e) {
      // the store could not write at all (its connection or thread is gone)
      for (const g of group) g.reject(e);
    }
    running--;
    schedule();
  };
  return (batch) =>
    new Promise<WriteResult>((resolve, reject) => {
      queue.push({ write: batch, resolve, reject });
      schedule();
    });
}

export function keyOf(auditID: string, stage: string): string {
  return `${auditID}\u0000${stage}`;
}

/** `sqlite:PATH` (or a bare path) or `postgres://...`; `detect` configures the detection run on new events. */
export async function openStore(spec: string, detect?: DetectOptions): Promise<AuditStore> {
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { openPostgresStore } = await import('./store-pg.js');
    return openPostgresStore(spec, detect);
  }
  const { openSqliteStore } = await import('./store-sqlite.js');
  return openSqliteStore(spec.replace(/^sqlite:/, ''), detect);
}

/** The reads alone: for SQLite a read-only connection without the store's threads. */
export async function openQueries(spec: string): Promise<AuditQueries> {
  if (/^postgres(ql)?:\/\//.test(spec)) return openStore(spec);
  const { openSqliteQueries } = await import('./store-sqlite.js');
  return openSqliteQueries(spec.replace(/^sqlite:/, ''));
}

export function sinceMs(f: EventFilter): number | undefined {
  return f.since === undefined ? undefined : Date.parse(f.since);
}

export function untilMs(f: EventFilter): number | undefined {
  return f.until === undefined ? undefined : Date.parse(f.until);
}
