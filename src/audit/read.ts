/**
 * The streaming audit-log reader every audit consumer shares (RBAC generation, rightsizing, detection,
 * the webhook). Memory stays constant whatever the input size: 1 MiB reads split into lines as bytes,
 * one UTF-8 decode and one JSON.parse per line. Inputs: files or "-" (stdin), gzip detected by its
 * magic bytes, one after another. A file whose first line is not a JSON value by itself (a pretty-printed
 * EventList, List, array or cloud export) is read as a stream of concatenated JSON documents instead.
 * Anything unreadable is reported through `onProblem` with file and line, counted, and skipped: a bad
 * line never stops the reader and never makes it loop.
 *
 * With a line prefilter (read-lines.ts), lines that cannot hold a wanted event are never decoded or
 * parsed, and a large plain JSON-lines file is split between worker threads (parallel.ts) that find the
 * wanted lines; the events still come out in file order, parsed here, so every consumer sees exactly
 * what a single thread would give it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parallelPlan, readRangesInWorkers, type ParallelOptions, type RangeProblem } from './parallel.js';
import { unwrapAuditValue } from './read-formats.js';
import { lineFilter, lineSplitter, skippedLineProblem, skippedLineShape, type LineFilter, type NeedleGroups } from './read-lines.js';
import { emptyReadStats, type AuditEvent, type AuditProblem, type AuditReadStats } from './read-types.js';

export type { NeedleGroups } from './read-lines.js';
export type { AuditEvent, AuditObjectRef, AuditProblem, AuditReadStats, AuditResponseStatus, AuditUser } from './read-types.js';
export { emptyReadStats } from './read-types.js';

export interface ReadAuditOptions {
  /** called for each malformed line, truncated document, non-event value or unreadable input */
  onProblem?: (p: AuditProblem) => void;
  /**
   * Parse only lines that contain at least one of these strings (matched against the raw line; give
   * bare values such as a username, which then also match inside EKS/AKS string-embedded events).
   * Applies to JSON-lines input; pretty-printed documents are always parsed whole.
   */
  contains?: readonly string[];
  /**
   * Parse only lines that contain every string of at least one group (`contains: [a, b]` is
   * `prefilter: [[a], [b]]`). What is matched and why it is sound: read-lines.ts.
   */
  prefilter?: NeedleGroups;
  /** worker threads for large plain JSON-lines files read with a prefilter (parallel.ts) */
  parallel?: ParallelOptions;
  /** filled in while reading */
  stats?: AuditReadStats;
  /** bytes per read (default 1 MiB) */
  chunkSize?: number;
  /** largest multi-line document held at once (default 256 MiB); a larger one is reported and skipped */
  maxDocumentBytes?: number;
}

const MiB = 1 << 20;

/** An input's bytes, gunzipped when it starts with the gzip magic bytes. The chunk is only valid until the next one is asked for. */
async function* inputChunks(input: string, chunkSize: number, stats: AuditReadStats): AsyncGenerator<Buffer> {
  if (input !== '-') {
    // a plain file is read into one reused buffer (the line splitter copies what it keeps): no garbage per MiB
    const fh = await open(input, 'r');
    try {
      const buf = Buffer.allocUnsafe(chunkSize);
      for (let first = true; ; first = false) {
        const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
        if (bytesRead === 0) return;
        if (first && buf[0] === 0x1f && buf[1] === 0x8b) break;
        stats.bytes += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }
  // stdin, or a gzip file
  const stream: Readable = input === '-' ? process.stdin : createReadStream(input, { highWaterMark: chunkSize });
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  stats.bytes += head.length;
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      stats.bytes += r.value.length;
      yield r.value;
    }
    return;
  }
  async function* raw(): AsyncGenerator<Buffer> {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      stats.bytes += r.value.length;
      yield r.value;
    }
  }
  const gunzip = createGunzip({ chunkSize });
  pipeline(Readable.from(raw()), gunzip, () => {
    // errors surface through the iteration below
  });
  yield* gunzip as AsyncIterable<Buffer>;
}

/** Tracks JSON nesting across lines to find where each multi-line document ends. */
interface DocumentScan {
  depth: number;
  inString: boolean;
  escaped: boolean;
}

/** Index just past the end of the top-level value completed in `text` from `from`, or -1 if none completes. */
function scanDocument(s: DocumentScan, text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (s.inString) {
      if (s.escaped) s.escaped = false;
      else if (c === 0x5c) s.escaped = true;
      else if (c === 0x22) s.inString = false;
    } else if (c === 0x22) s.inString = true;
    else if (c === 0x7b || c === 0x5b) s.depth++;
    else if (c === 0x7d || c === 0x5d) {
      s.depth--;
      if (s.depth <= 0) return i + 1;
    }
  }
  return -1;
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0xfeff) return false;
  }
  return true;
}


function firstNonBlank(line: string): string {
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\ufeff') return c;
  }
  return '';
}

/** A reader that has not started: its inputs and options, for consumers that can narrow the reading. */
export interface AuditReaderSource {
  inputs: readonly string[];
  opts: ReadAuditOptions;
}

const SOURCE = Symbol('kubeward.auditReader');
type Tagged = { [SOURCE]?: AuditReaderSource & { started: boolean } };

/**
 * The inputs and options `readAuditBatches`/`readAuditEvents` were called with, when `x` is such a reader
 * and nothing has been read yet. `detectEvents` uses it to add its rules' prefilter to the reader the
 * caller built, without every caller knowing about prefilters.
 */
export function unstartedReader(x: unknown): AuditReaderSource | undefined {
  const s = (x as Tagged | null)?.[SOURCE];
  return s && !s.started ? { inputs: s.inputs, opts: s.opts } : undefined;
}

function tag<T extends object>(gen: T, source: AuditReaderSource & { started: boolean }): T {
  return Object.assign(gen, { [SOURCE]: source });
}

/**
 * Reads every input in order and yields the events of each 1 MiB chunk as one array: the cheapest way to
 * consume a large log (one await per chunk, not per event).
 */
export function readAuditBatches(inputs: readonly string[], opts: ReadAuditOptions = {}): AsyncGenerator<AuditEvent[]> {
  const source = { inputs, opts, started: false };
  return tag(batches(inputs, opts, source), source);
}

async function* batches(inputs: readonly string[], opts: ReadAuditOptions, source: { started: boolean }): AsyncGenerator<AuditEvent[]> {
  source.started = true;
  const stats = opts.stats ?? emptyReadStats();
  const groups = opts.prefilter ?? opts.contains?.map((n) => [n]);
  const filter = lineFilter(groups);
  for (const file of inputs) yield* readOne(file, opts, stats, filter, groups);
}

async function* readOne(file: string, opts: ReadAuditOptions, stats: AuditReadStats, filter: LineFilter | undefined, groups: NeedleGroups | undefined): AsyncGenerator<AuditEvent[]> {
  const chunkSize = opts.chunkSize ?? MiB;
  const maxDoc = opts.maxDocumentBytes ?? 256 * MiB;
  stats.files++;
  let batch: AuditEvent[] = [];
  let lineNo = 0;
  let valueLine = 0;
  const emit = (e: AuditEvent): void => {
    stats.events++;
    batch.push(e);
  };
  const report = (line: number, message: string): void => {
    stats.problems++;
    opts.onProblem?.({ file, line, message });
  };
  const problemAtValue = (message: string): void => report(valueLine, message);
  // document mode: entered when the first non-blank line does not parse alone but opens a value
  let mode = 'undecided' as 'undecided' | 'lines' | 'document';
  let doc = '';
  let docStart = 0;
  const scan: DocumentScan = { depth: 0, inString: false, escaped: false };

  const parseValue = (text: string, line: number, onError: (m: string) => void): void => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      onError((e as Error).message);
      return;
    }
    valueLine = line;
    unwrapAuditValue(v, emit, problemAtValue);
  };

  const documentLine = (line: string, no: number): void => {
    let from = 0;
    while (from < line.length) {
      if (scan.depth === 0 && !scan.inString) {
        // between documents: skip blanks, start the next one or report stray text
        let i = from;
        while (i < line.length && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r' || line[i] === ',' || line[i] === '\ufeff')) i++;
        if (i >= line.length) return;
        const c = line[i];
        if (c !== '{' && c !== '[') {
          report(no, `not JSON: ${JSON.stringify(line.slice(i, i + 40))}`);
          return;
        }
        docStart = no;
        doc = '';
        from = i;
      }
      const end = scanDocument(scan, line, from);
      if (end < 0) {
        if (scan.inString) {
          // JSON strings cannot span lines: this document is broken; drop it and go back to line mode
          report(docStart, 'truncated or malformed JSON (a string runs past the end of the line)');
          Object.assign(scan, { depth: 0, inString: false, escaped: false });
          doc = '';
          mode = 'lines';
          return;
        }
        doc += from === 0 ? line : line.slice(from);
        doc += '\n';
        if (doc.length > maxDoc) {
          report(docStart, `JSON document larger than ${Math.round(maxDoc / MiB)} MiB skipped`);
          Object.assign(scan, { depth: 0, inString: false, escaped: false });
          doc = '';
          mode = 'lines';
        }
        return;
      }
      const text = doc + line.slice(from, end);
      doc = '';
      Object.assign(scan, { depth: 0, inString: false, escaped: false });
      parseValue(text, docStart, (m) => report(docStart, `malformed JSON: ${m}`));
      from = end;
    }
  };

  const handleLine = (line: string, wanted: boolean): void => {
    if (mode === 'document') {
      documentLine(line, lineNo);
      return;
    }
    if (mode === 'undecided') {
      if (isBlank(line)) return;
      mode = 'lines';
      const c = firstNonBlank(line);
      if (c === '{' || c === '[') {
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch {
          mode = 'document';
          documentLine(line, lineNo);
          return;
        }
        // a JSON-lines file: the prefilter applies to this line too
        if (!wanted) stats.prefiltered++;
        else {
          valueLine = lineNo;
          unwrapAuditValue(v, emit, problemAtValue);
        }
        return;
      }
    }
    if (line.length === 0 || isBlank(line)) return;
    const no = lineNo;
    parseValue(line, no, (m) => report(no, `malformed JSON: ${m}`));
  };

  const visit = (buf: Buffer, start: number, end: number, wanted: boolean): void => {
    lineNo++;
    stats.lines++;
    if (mode === 'lines' && !wanted) {
      // skipped unparsed; still reported when it is not even shaped like one JSON value
      const shape = skippedLineShape(buf, start, end);
      if (shape === 'other') report(lineNo, skippedLineProblem(buf, start, end));
      else if (shape === 'value') stats.prefiltered++;
      return;
    }
    handleLine(buf.toString('utf8', start, end), wanted);
  };
  const tooLong = (): void => {
    lineNo++;
    stats.lines++;
    report(lineNo, `line longer than ${Math.round(maxDoc / MiB)} MiB skipped`);
  };

  const ranges = filter && groups ? await parallelPlan(file, opts.parallel) : undefined;
  if (ranges) {
    // plain JSON lines read by worker threads (parallel.ts): lines come back in file order, parsed here
    mode = 'lines';
    for await (const r of readRangesInWorkers(file, ranges, groups as NeedleGroups, maxDoc, opts.parallel?.threads)) {
      stats.bytes += r.bytes;
      stats.lines += r.lines;
      stats.prefiltered += r.prefiltered;
      if (r.byWorker) stats.workerRanges++;
      // problems and wanted lines merged back in line order
      let p = 0;
      const problemsBefore = (line: number): void => {
        for (; p < r.problems.length && (r.problems[p] as RangeProblem).line < line; p++) report(lineNo + (r.problems[p] as RangeProblem).line, (r.problems[p] as RangeProblem).message);
      };
      const text = Buffer.from(r.text.buffer, r.text.byteOffset, r.text.length);
      for (let i = 0, start = 0; i < r.ends.length; i++) {
        const end = r.ends[i] as number;
        const no = lineNo + (r.lineNumbers[i] as number);
        problemsBefore(r.lineNumbers[i] as number);
        parseValue(text.toString('utf8', start, end), no, (m) => report(no, `malformed JSON: ${m}`));
        start = end;
      }
      problemsBefore(Infinity);
      lineNo += r.lines;
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    return;
  }

  const lines = lineSplitter(filter, visit, maxDoc, tooLong);
  try {
    for await (const chunk of inputChunks(file, chunkSize, stats)) {
      lines.push(chunk);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const message = err.code === 'ENOENT' ? 'no such file' : err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR' ? `gzip data is corrupt or truncated (${err.message})` : err.message;
    report(lineNo, message);
  }
  lines.end();
  if (mode === 'document' && (scan.depth > 0 || scan.inString)) report(docStart, 'truncated JSON document at end of input');
  if (batch.length > 0) yield batch;
}

/**
 * Every audit event of the inputs, in order. Problems go to `opts.onProblem`; counts to `opts.stats`.
 * Example: `for await (const e of readAuditEvents(['audit.log.gz', '-'], { onProblem: console.error })) ...`
 */
export function readAuditEvents(inputs: readonly string[], opts: ReadAuditOptions = {}): AsyncGenerator<AuditEvent> {
  const source = { inputs, opts, started: false };
  return tag(
    (async function* () {
      for await (const batch of batches(inputs, opts, source)) yield* batch;
    })(),
    source,
  );
}
