/**
 * The webhook backend's request body, an audit.k8s.io EventList, read once: the items as objects (for the
 * indexed columns and detection) and each item's own JSON text sliced from the body, so a store keeps the
 * text the API server sent instead of serialising every event again (JSON.stringify of a parsed event
 * costs about as much as parsing it).
 */
import type { AuditEvent } from './read-types.js';

export interface EventListBody {
  events: AuditEvent[];
  /** raw[i] is the JSON text of events[i] as it appears in the body */
  raw: string[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Index of the quote closing the string that opens at `start` (a quote preceded by an even run of backslashes). */
function stringEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) throw new Error('unterminated string');
    let b = i - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((i - 1 - b) % 2 === 0) return i;
  }
}

/**
 * The texts of the elements of the top-level object's "items" array, for a text JSON.parse accepted.
 * Like JSON.parse, the last "items" key wins. Strings are skipped with indexOf, so the loop only visits
 * the structure between them.
 */
export function itemTexts(text: string): string[] {
  let items: string[] = [];
  let depth = 0;
  let key = '';
  let expectKey = false;
  let inItems = false;
  let itemStart = -1;
  const endItem = (end: number) => {
    if (itemStart >= 0) items.push(text.slice(itemStart, end).trimEnd());
    itemStart = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === LF || c === CR || c === TAB) continue;
    if (inItems && depth === 2 && itemStart < 0 && c !== COMMA && c !== CLOSE_ARRAY) itemStart = i;
    switch (c) {
      case QUOTE: {
        const end = stringEnd(text, i);
        if (depth === 1 && expectKey) {
          const k = text.slice(i + 1, end);
          key = k.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : k;
          expectKey = false;
        }
        i = end;
        break;
      }
      case OPEN_OBJECT:
        depth++;
        if (depth === 1) expectKey = true;
        break;
      case OPEN_ARRAY:
        if (depth === 1 && key === 'items') {
          inItems = true;
          items = [];
        }
        depth++;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (inItems && depth === 2) {
          endItem(i);
          inItems = false;
        }
        depth--;
        break;
      case COMMA:
        if (depth === 1) expectKey = true;
        else if (inItems && depth === 2) endItem(i);
        break;
      default:
    }
  }
  return items;
}

/** The events of an EventList body (items that are objects with a verb), or undefined when it is not one. */
export function parseEventList(text: string): EventListBody | undefined {
  let body: unknown;
  try {
    // Plain JSON.parse: a "__proto__" key becomes an own property, and events are only read, never merged.
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const items = (body as { items?: unknown }).items;
  if (!Array.isArray(items)) return undefined;
  const texts = itemTexts(text);
  if (texts.length !== items.length) throw new Error(`EventList: ${items.length} items parsed but ${texts.length} sliced`);
  const out: EventListBody = { events: [], raw: [] };
  items.forEach((i: unknown, n) => {
    if (i !== null && typeof i === 'object' && typeof (i as { verb?: unknown }).verb === 'string') {
      out.events.push(i as AuditEvent);
      out.raw.push(texts[n] as string);
    }
  });
  return out;
}
