/**
 * The webhook backend's request body, an audit.k8s.io EventList, read in one pass over its bytes:
 * scanEventList validates the body as JSON (exactly what JSON.parse accepts, for a body that is valid
 * UTF-8) and, for each item that is an event, finds where it sits in the body and the fields the stores
 * index, so a store keeps the bytes the API server sent and nothing is parsed or serialised again on
 * the request path (JSON.parse of the body alone takes two to three times as long as the whole scan).
 */
import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/**
 * One event of an EventList body: where it sits in the body ([start, end): from its `{` to just after its
 * `}`) and the fields the stores index, read as JSON.parse and property access would read them (the last
 * of duplicate keys wins at every level). A field that is absent, null or not a string is ''.
 */
export interface ScannedEvent {
  start: number;
  end: number;
  auditID: string;
  stage: string;
  /** requestReceivedTimestamp, else timestamp, else stageTimestamp (attributes.ts eventTime) */
  time: string;
  /** Date.parse(time), 0 when that is NaN */
  timeMs: number;
  /** user.username */
  user: string;
  verb: string;
  /** objectRef.resource, .namespace, .name */
  resource: string;
  namespace: string;
  name: string;
  /** responseStatus.code when it is a number */
  code: number | null;
  /** what detection's field prefilter reads besides those (rules/rule.ts `fields`) */
  facts: DetectionFacts;
}

/** Fields of an event that only detection reads, as property access on the parsed event gives them. */
export interface DetectionFacts {
  /** objectRef.apiGroup, objectRef.subresource, annotations["authorization.k8s.io/decision"] ('' when absent or not a string) */
  apiGroup: string;
  subresource: string;
  decision: string;
  /** impersonatedUser is there and not null */
  impersonated: boolean;
  /** user.groups (an array) holds "system:unauthenticated", or (a string) contains it, as `.includes` reads either */
  unauthenticatedGroup: boolean;
}

const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_U = 0x75;

/** Bytes that stand for themselves inside a JSON string: anything but a quote, a backslash or a control character. */
const STRING_PLAIN = new Uint8Array(256).fill(1);
STRING_PLAIN.fill(0, 0, 0x20);
STRING_PLAIN[QUOTE] = 0;
STRING_PLAIN[BACKSLASH] = 0;
/** The characters after a backslash that make a one-character escape: " \ / b f n r t */
const SHORT_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SHORT_ESCAPE[c.charCodeAt(0)] = 1;
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

// The fields read from each event: indices into the per-event spans.
const F_AUDIT_ID = 0;
const F_STAGE = 1;
const F_VERB = 2;
const F_RECEIVED = 3;
const F_TIMESTAMP = 4;
const F_STAGE_TIMESTAMP = 5;
const F_USERNAME = 6;
const F_RESOURCE = 7;
const F_NAMESPACE = 8;
const F_NAME = 9;
const F_CODE = 10;
const F_API_GROUP = 11;
const F_SUBRESOURCE = 12;
const F_DECISION = 13;
/** start >= 0 when impersonatedUser is there and not null */
const F_IMPERSONATED = 14;
/** start >= 0 when user.groups holds (or, a string, contains) system:unauthenticated */
const F_UNAUTHENTICATED = 15;
const FIELDS = 16;

/*
 * What an open container is to the scan (its context); only the first five levels have one, everything
 * deeper is only validated. USER, OBJECT_REF, RESPONSE_STATUS, ANNOTATIONS and GROUPS are also the
 * codes of the keys that open those containers.
 */
const NONE = -1;
const USER = 16;
const OBJECT_REF = 17;
const RESPONSE_STATUS = 18;
const ANNOTATIONS = 19;
/** user.groups when it is an array */
const GROUPS = 20;
/** the top-level object's "items" array (also the code of the key "items") */
const ITEMS = 21;
const TOP = 22;
/** an element of items that is an object */
const EVENT = 23;
/** before the top-level value */
const ROOT = 24;
const MAX_CONTEXT_DEPTH = 5;
/** What a string value is to the scan besides a field: an element of user.groups, or user.groups itself. */
const GROUP_ELEMENT = 30;
const GROUPS_TEXT = 31;
const UNAUTHENTICATED = Buffer.from('system:unauthenticated');

interface KeyName {
  text: string;
  bytes: Buffer;
  code: number;
}
/**
 * The keys that matter in one context. slots[keySlot(length, first byte)] is 1 + the index in `all` of
 * the only key that can match, 0 when none can: most keys are ruled out without comparing their bytes.
 */
interface ContextKeys {
  all: KeyName[];
  slots: Uint8Array;
}
const keySlot = (length: number, first: number) => ((length & 31) << 5) | (first & 31);
function contextKeys(entries: [string, number][]): ContextKeys {
  const all = entries.map(([text, code]) => ({ text, bytes: Buffer.from(text), code }));
  const slots = new Uint8Array(1024);
  all.forEach((k, n) => {
    const slot = keySlot(k.bytes.length, k.bytes[0] as number);
    if (slots[slot] !== 0) throw new Error(`event-list: keys ${k.text} and ${all[(slots[slot] as number) - 1]?.text} share a slot`);
    slots[slot] = n + 1;
  });
  return { all, slots };
}
/** The keys that matter in each context, and their codes (a field index, or the context the key's object opens). */
const KEYS: Partial<Record<number, ContextKeys>> = {
  [TOP]: contextKeys([['items', ITEMS]]),
  [EVENT]: contextKeys([
    ['auditID', F_AUDIT_ID],
    ['stage', F_STAGE],
    ['verb', F_VERB],
    ['requestReceivedTimestamp', F_RECEIVED],
    ['timestamp', F_TIMESTAMP],
    ['stageTimestamp', F_STAGE_TIMESTAMP],
    ['user', USER],
    ['objectRef', OBJECT_REF],
    ['responseStatus', RESPONSE_STATUS],
    ['annotations', ANNOTATIONS],
    ['impersonatedUser', F_IMPERSONATED],
  ]),
  [USER]: contextKeys([
    ['username', F_USERNAME],
    ['groups', GROUPS],
  ]),
  [OBJECT_REF]: contextKeys([
    ['resource', F_RESOURCE],
    ['namespace', F_NAMESPACE],
    ['name', F_NAME],
    ['apiGroup', F_API_GROUP],
    ['subresource', F_SUBRESOURCE],
  ]),
  [RESPONSE_STATUS]: contextKeys([['code', F_CODE]]),
  [ANNOTATIONS]: contextKeys([['authorization.k8s.io/decision', F_DECISION]]),
};
/** The fields a key's container holds: a new occurrence of the key forgets them (the last key wins). */
const SUB_FIELDS: Partial<Record<number, number[]>> = {
  [USER]: [F_USERNAME, F_UNAUTHENTICATED],
  [OBJECT_REF]: [F_RESOURCE, F_NAMESPACE, F_NAME, F_API_GROUP, F_SUBRESOURCE],
  [RESPONSE_STATUS]: [F_CODE],
  [ANNOTATIONS]: [F_DECISION],
  [GROUPS]: [F_UNAUTHENTICATED],
};

/** Where the current event's fields sit in the body: the bytes between the quotes (or the number's bytes); start -1 when absent. */
interface FieldSpans {
  start: Int32Array;
  end: Int32Array;
  escaped: Uint8Array;
}

/** The body being scanned, and whether the last string closingQuote read holds an escape. */
interface Cursor {
  body: Buffer;
  /** the body's bytes, for reading four at a time */
  view: DataView;
  n: number;
  escaped: boolean;
}

/**
 * The events of an EventList body, or undefined when the body is not valid UTF-8 JSON whose top-level
 * value is an object with an "items" array. Items that are not objects with a string verb are left out,
 * as parseEventList does. One forward pass with an explicit stack (any nesting depth, like JSON.parse);
 * strings and everything below the fields read are only validated. The grammar is RFC 8259's as V8's
 * JSON.parse implements it (src/json/json-parser.cc): whitespace is space, tab, LF and CR only.
 */
export function scanEventList(body: Buffer): ScannedEvent[] | undefined {
  if (!isUtf8(body)) return undefined;
  const n = body.length;
  const cur: Cursor = { body, view: new DataView(body.buffer, body.byteOffset, n), n, escaped: false };
  let i = skipWhitespace(body, 0, n);
  // Only an object can hold items: anything else is refused without reading further.
  if (body[i] !== OPEN_OBJECT) return undefined;
  let kinds = new Uint8Array(64); // kinds[d]: OPEN_OBJECT or OPEN_ARRAY, the container open at depth d
  const contexts = new Int8Array(MAX_CONTEXT_DEPTH + 1); // contexts[d] for d <= MAX_CONTEXT_DEPTH; contexts[0] is outside every container
  contexts[0] = ROOT;
  const spans: FieldSpans = { start: new Int32Array(FIELDS), end: new Int32Array(FIELDS), escaped: new Uint8Array(FIELDS) };
  let depth = 0;
  let context = ROOT;
  let key = NONE; // the code of the key whose value comes next, in a context that has keys
  let expectKey = false;
  let eventStart = 0;
  let events: ScannedEvent[] | undefined;

  value: for (;;) {
    let c = i < n ? (body[i] as number) : -1;
    if (c <= SPACE) {
      i = skipWhitespace(body, i, n);
      c = i < n ? (body[i] as number) : -1;
    }
    if (expectKey && c !== QUOTE) return undefined;
    // What a value is to the scan: the field it sets (target) or the context of the container it opens.
    let target = NONE;
    let opens = NONE;
    if (context !== NONE && !expectKey) {
      if (context === ROOT) opens = TOP;
      else if (context === TOP) {
        if (key === ITEMS) {
          events = c === OPEN_ARRAY ? [] : undefined;
          if (c === OPEN_ARRAY) opens = ITEMS;
        }
      } else if (context === ITEMS) {
        if (c === OPEN_OBJECT) opens = EVENT;
      } else if (context === GROUPS) {
        if (c === QUOTE) target = GROUP_ELEMENT;
      } else if (key >= USER) {
        for (const f of SUB_FIELDS[key] ?? []) spans.start[f] = -1;
        if (key === GROUPS) {
          if (c === OPEN_ARRAY) opens = GROUPS;
          else if (c === QUOTE) target = GROUPS_TEXT;
        } else if (c === OPEN_OBJECT) opens = key;
      } else if (key !== NONE) {
        target = key;
        // any value but null: set here, as the value may be a container
        spans.start[key] = key === F_IMPERSONATED && c !== 0x6e ? i : -1;
      }
    }

    if (c === QUOTE) {
      const j = closingQuote(cur, i + 1);
      if (j < 0) return undefined;
      if (expectKey) {
        if (context !== NONE) key = keyCode(cur, i + 1, j, context);
        i = j + 1;
        c = i < n ? (body[i] as number) : -1;
        if (c <= SPACE) {
          i = skipWhitespace(body, i, n);
          c = i < n ? (body[i] as number) : -1;
        }
        if (c !== COLON) return undefined;
        expectKey = false;
        i++;
        continue;
      }
      if (target === GROUP_ELEMENT || target === GROUPS_TEXT) {
        if (unauthenticatedGroup(cur, i + 1, j, target === GROUPS_TEXT)) spans.start[F_UNAUTHENTICATED] = i;
      } else if (target !== NONE && target !== F_CODE && target !== F_IMPERSONATED) {
        spans.start[target] = i + 1;
        spans.end[target] = j;
        spans.escaped[target] = cur.escaped ? 1 : 0;
      }
      i = j + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth === kinds.length) {
        const grown = new Uint8Array(depth * 2);
        grown.set(kinds);
        kinds = grown;
      }
      kinds[depth] = c;
      if (depth <= MAX_CONTEXT_DEPTH) contexts[depth] = opens;
      context = opens;
      if (opens === EVENT) {
        eventStart = i;
        spans.start.fill(-1);
      }
      i = skipWhitespace(body, i + 1, n);
      // '}' and ']' are '{' and '[' + 2: an empty container goes straight to the closing below
      if (body[i] !== c + 2) {
        expectKey = c === OPEN_OBJECT;
        continue;
      }
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const j = numberEnd(body, i, n);
      if (j < 0) return undefined;
      if (target === F_CODE) {
        spans.start[F_CODE] = i;
        spans.end[F_CODE] = j;
      }
      i = j;
    } else {
      const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
      if (word === undefined || !bytesAt(body, i, word)) return undefined;
      i += word.length;
    }

    // After a value: commas and the closing of containers, up to the next value.
    for (;;) {
      let d = i < n ? (body[i] as number) : -1;
      if (d <= SPACE) {
        i = skipWhitespace(body, i, n);
        d = i < n ? (body[i] as number) : -1;
      }
      if (depth === 0) return d === -1 ? events : undefined;
      const kind = kinds[depth] as number;
      if (d === COMMA) {
        i++;
        expectKey = kind === OPEN_OBJECT;
        continue value;
      }
      if (d !== kind + 2) return undefined;
      i++;
      if (context === EVENT) {
        const e = scannedEvent(body, spans, eventStart, i);
        if (e) events?.push(e);
      }
      depth--;
      context = depth <= MAX_CONTEXT_DEPTH ? (contexts[depth] as number) : NONE;
    }
  }
}

function skipWhitespace(body: Buffer, i: number, n: number): number {
  while (i < n) {
    const c = body[i] as number;
    if (c > SPACE || (c !== SPACE && c !== LF && c !== CR && c !== TAB)) break;
    i++;
  }
  return i;
}

/**
 * The index of the quote closing the string whose first byte (after the opening quote) is at i, or -1
 * when it is not a valid JSON string: a control character, a bad escape or no closing quote. Sets
 * cur.escaped.
 */
function closingQuote(cur: Cursor, i: number): number {
  const { body, n } = cur;
  i = plainRun(cur, i);
  cur.escaped = false;
  while (i < n && body[i] === BACKSLASH) {
    cur.escaped = true;
    const e = i + 1 < n ? (body[i + 1] as number) : -1;
    if (e === LOWER_U) {
      if (i + 5 >= n) return -1;
      for (let k = i + 2; k < i + 6; k++) if (HEX_DIGIT[body[k] as number] !== 1) return -1;
      i += 6;
    } else if (e >= 0 && SHORT_ESCAPE[e] === 1) i += 2;
    else return -1;
    i = plainRun(cur, i);
  }
  return i < n && body[i] === QUOTE ? i : -1;
}

/** The end of the run of plain string bytes from i: the index of the next quote, backslash or control character, or n. */
function plainRun(cur: Cursor, i: number): number {
  const { body, view, n } = cur;
  // Four bytes at a time (a per-byte loop would be most of the scan's cost: strings are most of an
  // event's bytes). Bit 7 of a byte of t is set for a byte < 0x20, == '"' or == '\\', the classic
  // "has a zero byte" test on x, x ^ '"' and x ^ '\\'; there can be false positives only above the
  // first true one, so the lowest set bit (x read little-endian: the lowest byte comes first) is the answer.
  for (; i + 4 <= n; i += 4) {
    const x = view.getInt32(i, true);
    const q = x ^ 0x22222222;
    const s = x ^ 0x5c5c5c5c;
    const t = (((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080;
    if (t !== 0) return i + ((31 - Math.clz32(t & -t)) >> 3);
  }
  while (i < n && STRING_PLAIN[body[i] as number] === 1) i++;
  return i;
}

/** The end of the number that starts at i: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?, or -1 when it does not match. */
function numberEnd(body: Buffer, i: number, n: number): number {
  if (body[i] === MINUS) i++;
  if (i >= n) return -1;
  if (body[i] === ZERO) i++;
  else {
    const j = digitsEnd(body, i, n);
    if (j === i) return -1;
    i = j;
  }
  if (i < n && body[i] === DOT) {
    const j = digitsEnd(body, i + 1, n);
    if (j === i + 1) return -1;
    i = j;
  }
  if (i < n && (body[i] === LOWER_E || body[i] === UPPER_E)) {
    i++;
    if (i < n && (body[i] === PLUS || body[i] === MINUS)) i++;
    const j = digitsEnd(body, i, n);
    if (j === i) return -1;
    i = j;
  }
  return i;
}

function digitsEnd(body: Buffer, i: number, n: number): number {
  while (i < n) {
    const c = body[i] as number;
    if (c < ZERO || c > NINE) break;
    i++;
  }
  return i;
}

function bytesAt(body: Buffer, i: number, word: Uint8Array): boolean {
  if (i + word.length > body.length) return false;
  for (let k = 0; k < word.length; k++) if (body[i + k] !== word[k]) return false;
  return true;
}

/** The code of the key between a and b (the bytes inside its quotes) in `context`, NONE when it is not one that matters. */
function keyCode(cur: Cursor, a: number, b: number, context: number): number {
  const keys = KEYS[context];
  if (keys === undefined) return NONE;
  const { body } = cur;
  if (cur.escaped) {
    // A key written with escapes is compared unescaped, as JSON.parse would store it.
    const text = JSON.parse(body.toString('utf8', a - 1, b + 1)) as string;
    for (const k of keys.all) if (text === k.text) return k.code;
    return NONE;
  }
  const slot = keys.slots[keySlot(b - a, body[a] as number)] as number;
  if (slot === 0) return NONE;
  const k = keys.all[slot - 1] as KeyName;
  return b - a === k.bytes.length && bytesAt(body, a, k.bytes) ? k.code : NONE;
}

/** Whether the string between a and b (inside its quotes) is "system:unauthenticated", or contains it when `contains`. */
function unauthenticatedGroup(cur: Cursor, a: number, b: number, contains: boolean): boolean {
  const { body } = cur;
  if (cur.escaped) {
    const text = JSON.parse(body.toString('utf8', a - 1, b + 1)) as string;
    return contains ? text.includes('system:unauthenticated') : text === 'system:unauthenticated';
  }
  if (!contains) return b - a === UNAUTHENTICATED.length && bytesAt(body, a, UNAUTHENTICATED);
  const at = body.indexOf(UNAUTHENTICATED, a);
  return at >= 0 && at + UNAUTHENTICATED.length <= b;
}

function fieldText(body: Buffer, spans: FieldSpans, f: number): string {
  const a = spans.start[f] as number;
  if (a < 0) return '';
  const b = spans.end[f] as number;
  return spans.escaped[f] === 1 ? (JSON.parse(body.toString('utf8', a - 1, b + 1)) as string) : body.toString('utf8', a, b);
}

/** The value of the number token between a and b, as JSON.parse reads it. */
function numberValue(body: Buffer, a: number, b: number): number {
  // Up to 15 digits an integer is exact in a double: no need to build the text.
  if (b - a <= 15) {
    let v = 0;
    let k = a;
    for (; k < b; k++) {
      const d = (body[k] as number) - ZERO;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (k === b) return v;
  }
  return Number(body.toString('latin1', a, b));
}

/** The event whose object spans [start, end), or undefined when its verb is not a string (not an event). */
function scannedEvent(body: Buffer, spans: FieldSpans, start: number, end: number): ScannedEvent | undefined {
  if ((spans.start[F_VERB] as number) < 0) return undefined;
  const timeField = (spans.start[F_RECEIVED] as number) >= 0 ? F_RECEIVED : (spans.start[F_TIMESTAMP] as number) >= 0 ? F_TIMESTAMP : F_STAGE_TIMESTAMP;
  const time = fieldText(body, spans, timeField);
  const timeMs = Date.parse(time);
  const codeStart = spans.start[F_CODE] as number;
  return {
    start,
    end,
    auditID: fieldText(body, spans, F_AUDIT_ID),
    stage: fieldText(body, spans, F_STAGE),
    time,
    timeMs: Number.isNaN(timeMs) ? 0 : timeMs,
    user: fieldText(body, spans, F_USERNAME),
    verb: fieldText(body, spans, F_VERB),
    resource: fieldText(body, spans, F_RESOURCE),
    namespace: fieldText(body, spans, F_NAMESPACE),
    name: fieldText(body, spans, F_NAME),
    code: codeStart < 0 ? null : numberValue(body, codeStart, spans.end[F_CODE] as number),
    facts: {
      apiGroup: fieldText(body, spans, F_API_GROUP),
      subresource: fieldText(body, spans, F_SUBRESOURCE),
      decision: fieldText(body, spans, F_DECISION),
      impersonated: (spans.start[F_IMPERSONATED] as number) >= 0,
      unauthenticatedGroup: (spans.start[F_UNAUTHENTICATED] as number) >= 0,
    },
  };
}
