/**
 * Parallel reading of one large plain JSON-lines audit log read with a prefilter: the file is cut into
 * byte ranges that worker threads read, scan and prefilter (parallel-range.ts, the bulk of the work),
 * while the main thread parses the few wanted lines and runs the consumer. Results come back in file
 * order, so consumers stay sequential and exact: `rbac generate` folds, dedupes by auditID and keeps
 * first/last/sample auditIDs as with one thread, and detection rules keep their state in order.
 * At most two ranges per worker are in flight, so memory stays bounded whatever the file size.
 * Not used for stdin, gzip, pretty-printed documents or files under PARALLEL_MIN_BYTES; a range whose
 * worker fails (or when no worker script can be found) is read by the main thread.
 */
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { readRange, type RangeRequest, type RangeResult } from './parallel-range.js';
import type { NeedleGroups } from './read-lines.js';
import { workerEntry, type WorkerEntry } from './worker-entry.js';

export type { RangeProblem, RangeResult } from './parallel-range.js';

/** Smaller files are read by one thread: starting workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 32 << 20;
const RANGE_BYTES = 16 << 20;
const HEAD_BYTES = 1 << 20;
const IN_FLIGHT_PER_WORKER = 2;

export interface ParallelOptions {
  /** worker threads (default: the cores available; 0 or 1: read in the main thread) */
  threads?: number;
  /** smallest file read in parallel (default PARALLEL_MIN_BYTES) */
  minBytes?: number;
  /** bytes per range (default 16 MiB) */
  rangeBytes?: number;
}

export interface Range {
  start: number;
  end: number;
}

function isBlank(s: string): boolean {
  return s.trim().replace(/^\ufeff/, '') === '';
}

/**
 * The byte ranges to read `file` in, or undefined when it should be read by one thread: stdin, small,
 * gzip, or not JSON lines (its first non-blank line does not parse by itself, as in a pretty-printed document).
 */
export async function parallelPlan(file: string, opts: ParallelOptions = {}): Promise<Range[] | undefined> {
  if (file === '-' || (opts.threads ?? availableParallelism()) < 2) return undefined;
  let size: number;
  let head: Buffer;
  try {
    const st = await stat(file);
    if (!st.isFile() || st.size < (opts.minBytes ?? PARALLEL_MIN_BYTES)) return undefined;
    size = st.size;
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return undefined;
  // the first non-blank line decides the mode, as in read.ts
  let from = 0;
  for (;;) {
    const nl = head.indexOf(0x0a, from);
    if (nl === -1) return undefined;
    const line = head.toString('utf8', from, nl);
    from = nl + 1;
    if (isBlank(line)) continue;
    const c = line.replace(/^[\s\ufeff]+/, '')[0];
    if (c === '{' || c === '[') {
      try {
        JSON.parse(line);
      } catch {
        return undefined;
      }
    }
    break;
  }
  const ranges: Range[] = [];
  const step = Math.max(1, opts.rangeBytes ?? RANGE_BYTES);
  for (let start = 0; start < size; start += step) ranges.push({ start, end: Math.min(size, start + step) });
  return ranges;
}

interface Pending {
  resolve: (r: RangeResult) => void;
  reject: (e: Error) => void;
}

/** A worker answering range requests by id; every pending request is rejected if it dies. */
function startWorker(spec: WorkerEntry) {
  // no inherited execArgv (e.g. --input-type, --import of a loader); a small young generation: a
  // worker only holds one range's wanted lines at a time
  const worker = new Worker(spec.code, { eval: spec.eval, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const pending = new Map<number, Pending>();
  let dead: Error | undefined;
  const fail = (e: Error): void => {
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (m: { id: number; result?: RangeResult; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.result) p?.resolve(m.result);
    else p?.reject(new Error(m.error ?? 'worker failed'));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited (${code})`)));
  return {
    request(id: number, r: RangeRequest): Promise<RangeResult> {
      if (dead) return Promise.reject(dead);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, ...r });
      });
    },
    stop: () => worker.terminate(),
  };
}

/** The ranges' results in file order, read by `threads` workers (default: the cores available). */
export async function* readRangesInWorkers(file: string, ranges: readonly Range[], groups: NeedleGroups, maxLineBytes: number, threads?: number): AsyncGenerator<RangeResult> {
  const request = (i: number): RangeRequest => ({ file, groups, maxLineBytes, start: (ranges[i] as Range).start, end: (ranges[i] as Range).end });
  let spec: WorkerEntry | undefined;
  try {
    spec = workerEntry(import.meta.url, 'parallel-worker');
  } catch {
    // no tsx to run the TypeScript entry: read in this thread
  }
  const count = Math.min(threads ?? availableParallelism(), ranges.length);
  if (!spec || count < 2) {
    for (let i = 0; i < ranges.length; i++) yield await readRange(request(i));
    return;
  }
  const workers = Array.from({ length: count }, () => startWorker(spec));
  const results = new Map<number, Promise<RangeResult>>();
  let assigned = 0;
  const assign = (w: number): void => {
    if (assigned >= ranges.length) return;
    const i = assigned++;
    // a range whose worker failed is read here instead
    const p = (workers[w] as ReturnType<typeof startWorker>).request(i, request(i)).catch(() => readRange(request(i)));
    // settled later, in order; this keeps an early rejection from being reported as unhandled
    p.catch(() => undefined);
    results.set(i, p);
  };
  try {
    for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) for (let w = 0; w < count; w++) assign(w);
    for (let i = 0; i < ranges.length; i++) {
      const r = await (results.get(i) as Promise<RangeResult>);
      results.delete(i);
      // the worker that read range i has room for one more
      assign(i % count);
      yield r;
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}
