/** The EventList body `audit serve` receives: parsed once, each item's text sliced from the body as sent. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itemTexts, parseEventList } from '../../src/audit/event-list.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;

describe('parseEventList', () => {
  it('slices every item of the real lab log, compact and indented, to text that parses to the same event', () => {
    const items = readFileSync(LAB, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    for (const text of [JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items }), JSON.stringify({ items, kind: 'EventList' }, null, 2)]) {
      const list = parseEventList(text);
      expect(list?.events).toHaveLength(items.length);
      expect(list?.raw.map((r) => JSON.parse(r) as unknown)).toEqual(items);
      // each slice is the body's own text, in order
      let at = text.indexOf('"items"');
      for (const r of list?.raw ?? []) {
        expect(text.startsWith(r, text.indexOf(r[0] ?? '', at))).toBe(true);
        at = text.indexOf(r[0] ?? '', at) + r.length;
      }
    }
  });

  it('strings with quotes, backslashes, brackets and commas; nested items; escaped and repeated keys', () => {
    const tricky = { verb: 'get', auditID: 'a', requestURI: '/api/v1/x?q="],[{\\\\"}', annotations: { items: '[1,2]', '\\': '"' }, requestObject: { items: [{ items: [] }] } };
    const text = `{"items": [1], "meta\\"data": {"items": [2,3]}, "\\u0069tems" : [ ${JSON.stringify(tricky)} ,\n "not an event", {"verb": "list"}\t] }`;
    expect(itemTexts(text)).toEqual([JSON.stringify(tricky), '"not an event"', '{"verb": "list"}']);
    const list = parseEventList(text);
    expect(list?.events).toEqual([tricky, { verb: 'list' }]);
    expect(list?.raw).toEqual([JSON.stringify(tricky), '{"verb": "list"}']);
    expect(parseEventList('{"kind":"EventList","items":[]}')).toEqual({ events: [], raw: [] });
  });

  it('refuses what is not an EventList', () => {
    for (const text of ['', '{"kind":"Status"}', '[{"verb":"get"}]', '{"items":{}}', 'null', '{"items":[', '{"items":[{"verb":"get"}]} x']) {
      expect(parseEventList(text)).toBeUndefined();
    }
  });
});
