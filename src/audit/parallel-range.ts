/**
 * One byte range of a plain JSON-lines audit log, prefiltered (read-lines.ts): the texts of its wanted
 * lines and what was skipped, with line numbers counted from the range's first line. A line belongs to
 * the range holding its first byte, so ranges cut anywhere give every line exactly once: a range
 * starts after the first '\n' at or after its start - 1 and reads past its end to finish its last line.
 * Run by the worker threads of parallel.ts, and by the main thread when a worker cannot run.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { lineFilter, lineSplitter, skippedLineProblem, skippedLineShape, type LineFilter, type NeedleGroups } from './read-lines.js';

export interface RangeProblem {
  /** 1-based, counted from the range's first line */
  line: number;
  message: string;
}

export interface RangeResult {
  /** the bytes of the wanted lines, one after another (moved, not copied, between threads) */
  text: Uint8Array;
  /** where each wanted line ends in `text` (it starts where the previous one ends) */
  ends: Int32Array;
  /** their line numbers, counted from the range's first line (1-based) */
  lineNumbers: Int32Array;
  problems: RangeProblem[];
  /** lines that start in the range */
  lines: number;
  /** lines skipped by the prefilter (shaped like one JSON value) */
  prefiltered: number;
  /** size of the range */
  bytes: number;
  /** read by a worker thread (not by the main thread as a fallback) */
  byWorker: boolean;
}

export interface RangeRequest {
  file: string;
  start: number;
  end: number;
  groups: NeedleGroups;
  maxLineBytes: number;
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** Position just past the first '\n' at or after `from`, or -1 when there is none. */
async function afterNewline(fh: FileHandle, from: number, buf: Buffer): Promise<number> {
  for (let at = from; ; ) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, at);
    if (bytesRead === 0) return -1;
    const nl = buf.subarray(0, bytesRead).indexOf(NEWLINE);
    if (nl !== -1) return at + nl + 1;
    at += bytesRead;
  }
}

/** Wanted lines gathered as bytes in one growing buffer of its own (so it can be transferred). */
function lineStore() {
  let text = new Uint8Array(1 << 16);
  let used = 0;
  const ends: number[] = [];
  const numbers: number[] = [];
  return {
    add(buf: Buffer, start: number, end: number, line: number): void {
      const n = end - start;
      if (used + n > text.length) {
        const bigger = new Uint8Array(Math.max(text.length * 2, used + n));
        bigger.set(text.subarray(0, used));
        text = bigger;
      }
      text.set(buf.subarray(start, end), used);
      used += n;
      ends.push(used);
      numbers.push(line);
    },
    result: () => ({ text: text.subarray(0, used), ends: Int32Array.from(ends), lineNumbers: Int32Array.from(numbers) }),
  };
}

// the filter of the last groups seen: every range of a file has the same, and compiling one (and
// getting its scan loop optimized) costs more than scanning a range
let cached: { key: string; filter: LineFilter | undefined } | undefined;
function filterFor(groups: NeedleGroups): LineFilter | undefined {
  const key = JSON.stringify(groups);
  if (cached?.key !== key) cached = { key, filter: lineFilter(groups) };
  return cached.filter;
}

export async function readRange(r: RangeRequest): Promise<RangeResult> {
  const store = lineStore();
  const out = { problems: [] as RangeProblem[], lines: 0, prefiltered: 0, bytes: r.end - r.start, byWorker: false };
  const visit = (buf: Buffer, start: number, end: number, wanted: boolean): void => {
    const line = ++out.lines;
    if (wanted) {
      store.add(buf, start, end, line);
      return;
    }
    const shape = skippedLineShape(buf, start, end);
    if (shape === 'other') out.problems.push({ line, message: skippedLineProblem(buf, start, end) });
    else if (shape === 'value') out.prefiltered++;
  };
  const tooLong = (): void => {
    const line = ++out.lines;
    out.problems.push({ line, message: `line longer than ${Math.round(r.maxLineBytes / CHUNK)} MiB skipped` });
  };
  const lines = lineSplitter(filterFor(r.groups), visit, r.maxLineBytes, tooLong);
  const fh = await open(r.file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let at = r.start === 0 ? 0 : await afterNewline(fh, r.start - 1, buf);
    if (at === -1 || at >= r.end) return { ...out, ...store.result() };
    let lastByte = NEWLINE;
    while (at < r.end) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, r.end - at), at);
      if (bytesRead === 0) break;
      lastByte = buf[bytesRead - 1] as number;
      lines.push(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
    // the last line started in the range: read on to its end
    while (lastByte !== NEWLINE) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, at);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(NEWLINE);
      const take = nl === -1 ? bytesRead : nl + 1;
      lines.push(buf.subarray(0, take));
      lastByte = buf[take - 1] as number;
      at += take;
    }
    lines.end();
    return { ...out, ...store.result() };
  } finally {
    await fh.close();
  }
}
