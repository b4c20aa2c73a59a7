/**
 * Lines of a JSON-lines audit log as bytes, and the line prefilter: which lines can hold an event a
 * consumer wants, decided on the raw bytes before any UTF-8 decoding or JSON.parse (the parse is ~90% of
 * reading a log). A consumer declares needles in groups: a line is wanted when it contains every needle
 * of at least one group.
 *
 * Soundness: a JSON string holding the text N is written with N's characters as they are, unless the
 * encoder escapes some: `"` `\` and control characters always, `/` optionally, anything as \uXXXX. So
 * each needle is cut at such characters and its longest piece is searched, and a line with a \uXXXX
 * escape of a character some needle holds is always wanted (Go writes & < > as \u0026 \u003c \u003e in
 * every query string: those escapes alone do not make a line wanted), as is a GKE entry (`protoPayload`), whose status code is mapped from a gRPC code
 * rather than logged. Numbers are matched by their digits (403): a status code written with an exponent
 * (4.03e2) is valid JSON that would be missed; no encoder writes integers that way.
 *
 * Speed: one or a few needles are found with Buffer#indexOf over the whole chunk (native memchr plus
 * Boyer-Moore-Horspool); more are matched in one pass by an Aho-Corasick automaton (one table load per
 * byte), which also finds the line ends.
 */

/**
 * Alternatives: a line is wanted when it contains every needle of at least one group. A string needle
 * is searched as text (anywhere: in a string, a key, a number); a number needle (a non-negative integer)
 * only as a JSON number token: after `:` `,` `[` or a blank, and not followed by a digit, so 403 does not
 * match inside a UUID or a timestamp.
 */
export type NeedleGroups = readonly (readonly (string | number)[])[];

/** Called for each line of buf[start, end) (without its '\n'); `wanted` is false when the prefilter rules it out. */
export type LineVisitor = (buf: Buffer, start: number, end: number, wanted: boolean) => void;

export interface LineFilter {
  /** Visits every line in buf[from, to); a line not ended by '\n' before `to` ends at `to`. */
  scan(buf: Buffer, from: number, to: number, visit: LineVisitor): void;
}

const NEWLINE = 0x0a;
/** Characters a JSON encoder may write escaped other than with \u: `"` `\` `/` and control characters. */
function escapable(c: number): boolean {
  return c < 0x20 || c === 0x22 || c === 0x5c || c === 0x2f;
}

/** The longest piece of `needle` between characters JSON may escape ("" when nothing is left). */
export function literalPiece(needle: string): string {
  let best = '';
  let from = 0;
  for (let i = 0; i <= needle.length; i++) {
    if (i < needle.length && !escapable(needle.charCodeAt(i))) continue;
    if (i - from > best.length) best = needle.slice(from, i);
    from = i + 1;
  }
  return best;
}

/** Every line wanted: a plain splitter. */
const everyLine: LineFilter = {
  scan(buf, from, to, visit) {
    let start = from;
    while (start < to) {
      const nl = buf.indexOf(NEWLINE, start);
      const end = nl === -1 || nl >= to ? to : nl;
      visit(buf, start, end, true);
      start = end + 1;
    }
  },
};

/**
 * The filter for these groups, or undefined when they cannot rule any line out (no groups, or a
 * group whose needles are all escapable characters).
 */
export function lineFilter(groups: NeedleGroups | undefined): LineFilter | undefined {
  if (!groups || groups.length === 0) return undefined;
  const numbers = new Set<string>();
  const piece = (n: string | number): string => {
    if (typeof n === 'string') return literalPiece(n);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`number needle ${n}: expected a non-negative integer`);
    numbers.add(String(n));
    return String(n);
  };
  const pieces = groups.map((g) => [...new Set(g.map(piece).filter((p) => p !== ''))]);
  if (pieces.some((g) => g.length === 0)) return undefined;
  // number tokens cannot be escaped: only string needles' characters matter
  const escapes = escapeCheck(pieces.flat().filter((p) => !numbers.has(p)));
  // a GKE entry's status codes are mapped from gRPC codes (read-formats.ts): such lines are always parsed
  pieces.push(['protoPayload']);
  const needles = [...new Set(pieces.flat())];
  if (numbers.size === 0 && pieces.every((g) => g.length === 1) && needles.length <= 4) return indexOfFilter(needles.map((n) => Buffer.from(n)), escapes);
  return automatonFilter(needles, pieces, escapes, numbers);
}

/** Bytes a JSON number token can follow. */
const BEFORE_NUMBER = new Set([0x3a, 0x2c, 0x5b, 0x20, 0x09, 0x0d, 0x0a]);

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

const ESCAPE = Buffer.from('\\u');

/** Whether a line holds a \uXXXX escape of a character of some needle (which could spell that needle). */
function escapeCheck(needles: readonly string[]): (buf: Buffer, start: number, end: number) => boolean {
  const chars = new Set<number>();
  for (const n of needles) for (let i = 0; i < n.length; i++) chars.add(n.charCodeAt(i));
  return (buf, start, end) => {
    for (let at = buf.indexOf(ESCAPE, start); at !== -1 && at + 6 <= end; at = buf.indexOf(ESCAPE, at + 2)) {
      const code = Number.parseInt(buf.toString('latin1', at + 2, at + 6), 16);
      if (Number.isNaN(code) || chars.has(code) || (code >= 0xd800 && code <= 0xdfff)) return true;
    }
    return false;
  };
}

/** A few needles, any of which makes a line wanted: native search over the chunk, then the lines hit. */
function indexOfFilter(needles: readonly Buffer[], escapes: (buf: Buffer, start: number, end: number) => boolean): LineFilter {
  // the last one is only a hint: a line holding \u is checked by `escapes`
  const search = [...needles, ESCAPE];
  return {
    scan(buf, from, to, visit) {
      // next[k]: position of the next match of search[k] at or after the current line (Infinity: none before `to`)
      const next = search.map(() => -1);
      let start = from;
      while (start < to) {
        const nl = buf.indexOf(NEWLINE, start);
        const end = nl === -1 || nl >= to ? to : nl;
        let hit = -1;
        for (let k = 0; k < search.length && hit === -1; k++) {
          const n = search[k] as Buffer;
          let at = next[k] as number;
          if (at < start) {
            const found = buf.indexOf(n, start);
            at = found === -1 || found + n.length > to ? Infinity : found;
            next[k] = at;
          }
          if (at + n.length <= end) hit = k;
        }
        visit(buf, start, end, hit !== -1 && (hit < needles.length || escapes(buf, start, end)));
        start = end + 1;
      }
    },
  };
}

/**
 * Aho-Corasick over bytes (goto/fail automaton made a full transition table), with one extra state
 * for '\n' so line ends and matches share the one rare branch of the loop: states are numbered so
 * that every state with an output (a needle ends there, or the newline state) comes last.
 */
function automatonFilter(needles: readonly string[], groups: readonly (readonly string[])[], escapes: (buf: Buffer, start: number, end: number) => boolean, numbers: ReadonlySet<string>): LineFilter {
  // Bits: one shared by the string needles that make a line wanted on their own (a group by
  // themselves), one for \u, one for each other needle; beyond 31 bits they are shared, which only lets
  // more lines through.
  const alone = new Set(groups.filter((g) => g.length === 1 && !numbers.has(g[0] as string)).map((g) => g[0] as string));
  const all = [...needles, '\\u'];
  const distinct = ['', '\\u', ...needles.filter((n) => !alone.has(n))];
  const bit = (n: string): number => 1 << Math.min(alone.has(n) ? 0 : distinct.indexOf(n), 30);
  const aloneBit = 1;
  const escapeBit = bit('\\u');
  // number needles by bit (a shared bit is never checked as a number: it only lets more lines through)
  const numberBits = new Map<number, number>();
  for (const n of needles) if (numbers.has(n) && distinct.indexOf(n) < 30) numberBits.set(bit(n), n.length);
  let numberMask = 0;
  for (const b of numberBits.keys()) numberMask |= b;
  /** The output bits of a match ending at i, without number needles that are not whole number tokens there. */
  const tokens = (o: number, bytes: Uint8Array, i: number, lineStart: number): number => {
    let out = o;
    for (const [b, len] of numberBits) {
      if ((o & b) === 0) continue;
      const before = i - len;
      if ((before >= lineStart && !BEFORE_NUMBER.has(bytes[before] as number)) || isDigit(bytes[i + 1])) out &= ~b;
    }
    return out;
  };
  const groupMasks = Int32Array.from(groups.map((g) => g.reduce((m, n) => m | bit(n), 0)));
  const next: Int32Array[] = [new Int32Array(256).fill(-1)];
  const output: number[] = [0];
  for (const n of all) {
    let s = 0;
    for (const byte of Buffer.from(n)) {
      const row = next[s] as Int32Array;
      if (row[byte] === -1) {
        row[byte] = next.length;
        next.push(new Int32Array(256).fill(-1));
        output.push(0);
      }
      s = row[byte] as number;
    }
    output[s] = (output[s] as number) | bit(n);
  }
  // breadth first: each state's failure link is shallower, so its row and output are final when used
  const fail = new Int32Array(next.length);
  const root = next[0] as Int32Array;
  const queue: number[] = [];
  for (let b = 0; b < 256; b++) {
    const t = root[b] as number;
    if (t === -1) root[b] = 0;
    else queue.push(t);
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    const row = next[s] as Int32Array;
    const failRow = next[fail[s] as number] as Int32Array;
    output[s] = (output[s] as number) | (output[fail[s] as number] as number);
    for (let b = 0; b < 256; b++) {
      const t = row[b] as number;
      if (t === -1) row[b] = failRow[b] as number;
      else {
        fail[t] = failRow[b] as number;
        queue.push(t);
      }
    }
  }
  const NEWLINE_STATE = next.length;
  next.push(Int32Array.from(root));
  output.push(-1);
  for (const row of next) row[NEWLINE] = NEWLINE_STATE;
  const order = [...next.keys()].sort((a, b) => Number(output[a] !== 0) - Number(output[b] !== 0));
  const id = new Int32Array(next.length);
  order.forEach((s, i) => (id[s] = i));
  // Bytes that occur in no needle all lead every state to the same place (the root): they share class 0,
  // so a table row has one entry per class, not per byte, and the table stays small enough for the cache.
  const byteClass = new Uint8Array(256);
  const representative = [[...Array(256).keys()].find((b) => !all.some((n) => Buffer.from(n).includes(b)) && b !== NEWLINE) ?? 0];
  for (const b of new Set([...all.flatMap((n) => [...Buffer.from(n)]), NEWLINE])) {
    byteClass[b] = representative.length;
    representative.push(b);
  }
  const shift = Math.ceil(Math.log2(representative.length));
  // table[state << shift | class] = next state << shift; outputs[state] = needle bits, -1 for the newline state
  const table = new Int32Array(next.length << shift);
  const outputs = new Int32Array(next.length);
  order.forEach((s, i) => {
    outputs[i] = output[s] as number;
    const row = next[s] as Int32Array;
    representative.forEach((b, c) => (table[(i << shift) | c] = (id[row[b] as number] as number) << shift));
  });
  const firstOutput = order.findIndex((s) => output[s] !== 0) << shift;
  const start0 = (id[0] as number) << shift;
  const wants = (mask: number, buf: Buffer, start: number, end: number): boolean => {
    if (mask === 0) return false;
    if ((mask & aloneBit) !== 0) return true;
    for (let g = 0; g < groupMasks.length; g++) {
      const m = groupMasks[g] as number;
      if ((mask & m) === m) return true;
    }
    return (mask & escapeBit) !== 0 && escapes(buf, start, end);
  };
  return {
    scan(buf, from, to, visit) {
      // locals, not closure slots, in the hot loop
      const t = table;
      const outs = outputs;
      const first = firstOutput;
      const classes = byteClass;
      const sh = shift;
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
      let state = start0;
      let mask = 0;
      let lineStart = from;
      for (let i = from; i < to; i++) {
        state = t[state + (classes[bytes[i] as number] as number)] as number;
        if (state >= first) {
          const o = outs[state >> sh] as number;
          if (o === -1) {
            visit(buf, lineStart, i, wants(mask, buf, lineStart, i));
            mask = 0;
            lineStart = i + 1;
          } else mask |= (o & numberMask) === 0 ? o : tokens(o, bytes, i, lineStart);
        }
      }
      if (lineStart < to) visit(buf, lineStart, to, wants(mask, buf, lineStart, to));
    },
  };
}

/**
 * Joins chunks into lines and hands each complete line to the filter; a line longer than `maxLineBytes`
 * is dropped whole (`tooLong` is called once it ends) so memory stays bounded.
 */
export function lineSplitter(filter: LineFilter | undefined, visit: LineVisitor, maxLineBytes: number, tooLong: () => void): { push(chunk: Buffer): void; end(): void } {
  const f = filter ?? everyLine;
  let tail: Buffer | undefined;
  let skipping = false;
  return {
    push(chunk) {
      let from = 0;
      if (tail !== undefined || skipping) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl === -1) {
          if (!skipping) {
            tail = Buffer.concat([tail as Buffer, chunk]);
            if (tail.length > maxLineBytes) {
              tail = undefined;
              skipping = true;
            }
          }
          return;
        }
        if (skipping) tooLong();
        else {
          const line = Buffer.concat([tail as Buffer, chunk.subarray(0, nl)]);
          f.scan(line, 0, line.length, visit);
        }
        tail = undefined;
        skipping = false;
        from = nl + 1;
      }
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= from) {
        f.scan(chunk, from, last + 1, visit);
        from = last + 1;
      }
      if (from < chunk.length) {
        // a copy: the stream may reuse its buffer
        tail = Buffer.from(chunk.subarray(from));
        if (tail.length > maxLineBytes) {
          tail = undefined;
          skipping = true;
        }
      }
    },
    end() {
      if (skipping) tooLong();
      else if (tail !== undefined && tail.length > 0) f.scan(tail, 0, tail.length, visit);
      tail = undefined;
      skipping = false;
    },
  };
}

const BLANK = new Set([0x20, 0x09, 0x0d]);

/**
 * What a line the prefilter skips looks like, by its first and last non-blank bytes: blank, shaped like
 * one JSON value (`{…}` or `[…]`), or something else, which is reported. Only the shape is checked: a
 * skipped line broken in the middle is not reported (it could not have held a wanted event anyway).
 */
export function skippedLineShape(buf: Buffer, start: number, end: number): 'blank' | 'value' | 'other' {
  let a = start;
  // UTF-8 byte order mark
  if (buf[a] === 0xef && buf[a + 1] === 0xbb && buf[a + 2] === 0xbf) a += 3;
  while (a < end && BLANK.has(buf[a] as number)) a++;
  if (a >= end) return 'blank';
  let z = end - 1;
  while (z > a && BLANK.has(buf[z] as number)) z--;
  const first = buf[a];
  const last = buf[z];
  return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d) ? 'value' : 'other';
}

export function skippedLineProblem(buf: Buffer, start: number, end: number): string {
  return `not one JSON value (skipped by the prefilter without parsing; starts ${JSON.stringify(buf.toString('utf8', start, Math.min(start + 40, end)))})`;
}
