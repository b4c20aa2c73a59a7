/**
 * The EventList body `audit serve` receives. scanEventList is checked against JSON.parse as the oracle:
 * on the real captured logs, hand-written edge and invalid cases, and a seeded fuzzer, it refuses exactly
 * the bodies JSON.parse refuses (or that are no object with an items array), and otherwise every event's
 * byte range parses to the item and its fields are what property access on the parsed item gives.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanEventList, type ScannedEvent } from '../../src/audit/event-list.js';
import { capturedAuditValues } from '../helpers/captured-audit.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;

type Fields = Omit<ScannedEvent, 'start' | 'end'>;
type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const prop = (v: unknown, k: string): unknown => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined);

/** The fields of a parsed item as the scanner must read them, or undefined when it is not an event. */
function expectedFields(e: unknown): Fields | undefined {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return undefined;
  const o = e as Json;
  if (typeof o.verb !== 'string') return undefined;
  const time = [o.requestReceivedTimestamp, o.timestamp, o.stageTimestamp].find((t): t is string => typeof t === 'string');
  const ms = Date.parse(time ?? '');
  const code = prop(o.responseStatus, 'code');
  const groups = prop(o.user, 'groups');
  return {
    auditID: str(o.auditID),
    stage: str(o.stage),
    time: time ?? '',
    timeMs: Number.isNaN(ms) ? 0 : ms,
    user: str(prop(o.user, 'username')),
    verb: o.verb,
    resource: str(prop(o.objectRef, 'resource')),
    namespace: str(prop(o.objectRef, 'namespace')),
    name: str(prop(o.objectRef, 'name')),
    code: typeof code === 'number' ? code : null,
    facts: {
      apiGroup: str(prop(o.objectRef, 'apiGroup')),
      subresource: str(prop(o.objectRef, 'subresource')),
      decision: str(prop(o.annotations, 'authorization.k8s.io/decision')),
      impersonated: o.impersonatedUser !== undefined && o.impersonatedUser !== null,
      unauthenticatedGroup: (Array.isArray(groups) || typeof groups === 'string') && groups.includes('system:unauthenticated'),
    },
  };
}

/** The oracle: JSON.parse of the body decoded as UTF-8 (refused when it is not valid UTF-8), then `.items`. */
function oracle(body: Buffer): unknown[] | undefined {
  if (!isUtf8(body)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const items = prop(v, 'items');
  return Array.isArray(items) ? items : undefined;
}

/** How scanEventList differs from the oracle on `body`, or undefined when it does not. */
function mismatch(body: Buffer): string | undefined {
  const items = oracle(body);
  const got = scanEventList(body);
  if (items === undefined || got === undefined) return items === got ? undefined : `oracle ${items ? 'accepts' : 'refuses'}, scan ${got ? 'accepts' : 'refuses'}`;
  const want = items.map(expectedFields).map((f, k) => ({ f, item: items[k] })).filter((x) => x.f !== undefined);
  if (want.length !== got.length) return `${want.length} events expected, ${got.length} scanned`;
  for (let k = 0; k < got.length; k++) {
    const { start, end, ...fields } = got[k] as ScannedEvent;
    const w = want[k] as { f: Fields; item: unknown };
    let sliced: unknown;
    try {
      sliced = JSON.parse(body.toString('utf8', start, end));
    } catch {
      return `event ${k}: [${start}, ${end}) does not parse`;
    }
    if (body[start] !== 0x7b || body[end - 1] !== 0x7d) return `event ${k}: [${start}, ${end}) is not from { to }`;
    if (!deepEqual(sliced, w.item)) return `event ${k}: [${start}, ${end}) is not the item`;
    if (!deepEqual(fields, w.f)) return `event ${k}: fields ${JSON.stringify(fields)} != ${JSON.stringify(w.f)}`;
  }
  return undefined;
}

/** Deep equality that tells -0 from 0 (Object.is on numbers), with an explicit stack for deeply nested values. */
function deepEqual(x: unknown, y: unknown): boolean {
  const pending: [unknown, unknown][] = [[x, y]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [a, b] = pair;
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
      if (!Object.is(a, b)) return false;
      continue;
    }
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length || ka.some((k, n) => k !== kb[n])) return false;
    for (const k of ka) pending.push([(a as Json)[k], (b as Json)[k]]);
  }
  return true;
}

const body = (text: string) => Buffer.from(text, 'utf8');

describe('scanEventList agrees with JSON.parse', () => {
  it('on every captured log, as sent (each line as is), compact and indented, in batches of 100', () => {
    const captured = capturedAuditValues();
    expect(captured.length).toBeGreaterThan(30);
    let events = 0;
    for (const { file, lines, values } of captured) {
      for (let k = 0; k < Math.max(lines.length, values.length); k += 100) {
        const batch = values.slice(k, k + 100);
        const bodies = [
          `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${lines.slice(k, k + 100).join(',')}]}`,
          JSON.stringify({ kind: 'EventList', items: batch }),
          JSON.stringify({ items: batch, kind: 'EventList' }, null, 2),
        ];
        for (const b of bodies) {
          expect(mismatch(body(b)), `${file} from item ${k}`).toBeUndefined();
          events += scanEventList(body(b))?.length ?? 0;
        }
      }
    }
    expect(events).toBeGreaterThan(10_000);
  });

  it('reads the lab log fields as the store indexed them (eventRow)', () => {
    const lines = readFileSync(LAB, 'utf8').split('\n').filter(Boolean).slice(0, 100);
    const got = scanEventList(body(`{"items":[${lines.join(',')}]}`));
    expect(got).toHaveLength(100);
    expect(got?.[0]).toEqual({
      start: 10,
      end: 10 + Buffer.byteLength(lines[0] ?? ''),
      auditID: '6378360e-619c-4afb-acf8-0a6bc6b22821',
      stage: 'ResponseStarted',
      time: '2026-11-28T13:06:44.169205Z',
      timeMs: Date.parse('2026-11-28T13:06:44.169205Z'),
      user: 'system:kube-controller-manager',
      verb: 'watch',
      resource: 'networkpolicies',
      namespace: '',
      name: '',
      code: 403,
      facts: { apiGroup: 'networking.k8s.io', subresource: '', decision: 'forbid', impersonated: false, unauthenticatedGroup: false },
    });
  });

  it('escaped keys, duplicate keys at every level (the last wins), fields of every type', () => {
    const cases = [
      '{"items":[]}',
      '{"kind":"EventList","items":[1,"a",null,true,false,[],{},[{"verb":"get"}],{"verb":"get"}]}',
      // escaped keys at each level, escaped values
      '{"it\\u0065ms":[{"v\\u0065rb":"g\\u0065t","\\u0075ser":{"userna\\u006de":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"},"objectRe\\u0066":{"n\\u0061me":"x"},"responseStatus":{"\\u0063ode":201}}]}',
      '{"items":[{"verb":"get"}],"\\u0069tems":[{"verb":"list"}]}',
      // what only detection reads: objectRef.apiGroup/subresource, the decision annotation, impersonatedUser, user.groups
      '{"items":[{"verb":"create","objectRef":{"apiGroup":"rbac.authorization.k8s.io","subresource":"token","apiGroup":5},"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/decision":"forbid"}}]}',
      '{"items":[{"verb":"get","annotations":{"authorization.k8s.io\\/decision":"forbid"},"annotations":{"x":1}},{"verb":"get","annotations":{"authorization.k8s.io\\/decision":"forbi\\u0064"}}]}',
      '{"items":[{"verb":"get","impersonatedUser":null},{"verb":"get","impersonatedUser":{"username":"a"}},{"verb":"get","impersonatedUser":false},{"verb":"get","impersonatedUser":{},"impersonatedUser":null},{"verb":"get","impersonatedUser":null,"impersonatedUser":0}]}',
      '{"items":[{"verb":"get","user":{"groups":["system:authenticated","system:unauthenticated"]}},{"verb":"get","user":{"groups":["system:unauthenticated "]}},{"verb":"get","user":{"groups":"x system:unauthenticated y"}}]}',
      '{"items":[{"verb":"get","user":{"groups":["system:unauthenticated"],"groups":[]}},{"verb":"get","user":{"groups":["system:unauthenticated"]},"user":{"username":"a"}},{"verb":"get","user":{"groups":[["system:unauthenticated"],{"a":"system:unauthenticated"}]}}]}',
      '{"items":[{"verb":"get","user":{"groups":["system:un\\u0061uthenticated"]}},{"verb":"get","user":{"gr\\u006fups":"system:unauthenticate\\u0064"}},{"verb":"get","user":{"groups":null,"username":"system:unauthenticated"}}]}',
      '{"items\\u0000":[{"verb":"get"}],"items":[]}',
      '{"item":[{"verb":"get"}],"itemss":[],"Items":[],"items":[{"verb":"ok"}]}',
      // items twice: the last wins, whatever the first was
      '{"items":[{"verb":"a"}],"items":[{"verb":"b"},{"verb":"c"}]}',
      '{"items":{"verb":"a"},"items":[{"verb":"b"}]}',
      '{"items":[{"verb":"a"}],"items":null}',
      '{"items":[{"verb":"a"}],"items":{}}',
      '{"items":[{"verb":"a"}],"items":"x"}',
      '{"items":[{"verb":"a"}],"kind":"EventList","metadata":{"items":[]}}',
      // user twice: an earlier username must not leak
      '{"items":[{"verb":"get","user":{"username":"alice"},"user":{"uid":"1"}}]}',
      '{"items":[{"verb":"get","user":{"username":"alice"},"user":"bob"}]}',
      '{"items":[{"verb":"get","user":{"username":"alice"},"user":null}]}',
      '{"items":[{"verb":"get","user":{"username":"alice"},"user":["x"]}]}',
      '{"items":[{"verb":"get","user":{"username":"alice","username":7}}]}',
      '{"items":[{"verb":"get","user":{"username":7,"username":"carol"}}]}',
      '{"items":[{"verb":"get","user":null,"user":{"username":"dave"}}]}',
      '{"items":[{"verb":"get","user":{"groups":["a"],"extra":{"username":["no"]},"username":"erin","user":{"username":"no"}}}]}',
      // objectRef and responseStatus twice, and of every type
      '{"items":[{"verb":"get","objectRef":{"resource":"pods","namespace":"a","name":"p"},"objectRef":{"resource":"secrets"}}]}',
      '{"items":[{"verb":"get","objectRef":{"resource":"pods","name":"p","name":null}}]}',
      '{"items":[{"verb":"get","objectRef":[],"responseStatus":[]}]}',
      '{"items":[{"verb":"get","objectRef":12,"responseStatus":"200"}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":200},"responseStatus":{"status":"x"}}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":200,"code":"201"}}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":"200","code":404}}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":null}}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":true}}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":{"code":1}}}]}',
      // verb: the last one decides whether the item is an event
      '{"items":[{"verb":"get","verb":5},{"verb":5,"verb":"list"},{"verb":null},{"verb":["get"]},{"verb":{"verb":"get"}},{"verb":""}]}',
      // each field null, a number, an array, an object, absent
      ...['auditID', 'stage', 'requestReceivedTimestamp', 'timestamp', 'stageTimestamp'].flatMap((f) =>
        ['null', '0', '[]', '["x"]', '{}', '{"a":"b"}', 'true', '"x"', '""'].map((v) => `{"items":[{"verb":"get","${f}":${v},"auditID":"id"}]}`),
      ),
      // time: requestReceivedTimestamp ?? timestamp ?? stageTimestamp, strings only
      '{"items":[{"verb":"get","requestReceivedTimestamp":null,"timestamp":"2020-01-02T03:04:05Z","stageTimestamp":"2021-01-01T00:00:00Z"}]}',
      '{"items":[{"verb":"get","requestReceivedTimestamp":5,"timestamp":null,"stageTimestamp":"2021-01-01T00:00:00.5Z"}]}',
      '{"items":[{"verb":"get","stageTimestamp":"2021-01-01T00:00:00Z","requestReceivedTimestamp":"2020-06-01T10:00:00.123456789Z"}]}',
      '{"items":[{"verb":"get","timestamp":"not a time"},{"verb":"get","timestamp":"2021-13-01T00:00:00Z"},{"verb":"get","timestamp":"Tue, 01 Jun 2021 10:00:00 GMT"}]}',
      '{"items":[{"verb":"get","timestamp":"2021-06-01T10:00:00+02:00","requestReceivedTimestamp":"2021-06-01T10:00:00.1234567890123Z"}]}',
      // unicode: 2-, 3- and 4-byte UTF-8, escaped pairs, lone surrogates, in keys and values
      '{"items":[{"verb":"gét","auditID":"名前","user":{"username":"😀 ünï"},"objectRef":{"name":"\\ud83d\\ude00","namespace":"\\ud800","resource":"x\\udfffy"},"ключ":"значение","😀":{"😀":"😀"}}]}',
      '{"items":[{"verb":"\\u00e9\\u20AC\\uFFFF\\u0000","stage":"\\uD83D\\uDE00\\uDE00","auditID":"\\\\u0041"}]}',
      '{"items":[{"verb":"get","auditID":"\u007f\u0080\u07ff\u0800\uffff"}]}',
      // numbers of every form, everywhere
      '{"items":[{"verb":"get","responseStatus":{"code":-0}},{"verb":"get","responseStatus":{"code":1e5}},{"verb":"get","responseStatus":{"code":1E+5}},{"verb":"get","responseStatus":{"code":0.5e-3}}]}',
      '{"items":[{"verb":"get","responseStatus":{"code":0}},{"verb":"get","responseStatus":{"code":-12.75}},{"verb":"get","responseStatus":{"code":1e400}},{"verb":"get","responseStatus":{"code":-1e400}},{"verb":"get","responseStatus":{"code":123456789012345678901234567890}},{"verb":"get","responseStatus":{"code":9007199254740993}},{"verb":"get","responseStatus":{"code":999999999999999}},{"verb":"get","responseStatus":{"code":1.7976931348623157e308}},{"verb":"get","responseStatus":{"code":5e-324}},{"verb":"get","responseStatus":{"code":0e0}},{"verb":"get","responseStatus":{"code":10E-1}}]}',
      '{"n":[0,-0,1,-1,10,0.1,1.25e+10,1E-7,-0.0e0,123456789],"items":[{"verb":"get","x":[0,-0,1e5,1E+5,0.5e-3,-9.99E-999]}],"m":-1.5E3}',
      // the old itemTexts case: quotes, backslashes, brackets and commas in strings; nested items
      `{"items": [1], "meta\\"data": {"items": [2,3]}, "\\u0069tems" : [ {"verb":"get","auditID":"a","requestURI":"/api/v1/x?q=\\"],[{\\\\\\"}","annotations":{"items":"[1,2]","\\\\":"\\""},"requestObject":{"items":[{"items":[]}]}} ,\n "not an event", {"verb": "list"}\t] }`,
      // whitespace everywhere (space, tab, LF, CR)
      ' \t\r\n{ \t\r\n"items" \t\r\n: \t\r\n[ \t\r\n{ \t\r\n"verb" \t\r\n: \t\r\n"get" \t\r\n, \t\r\n"user" \t\r\n: \t\r\n{ \t\r\n"username" \t\r\n: \t\r\n"u" \t\r\n} \t\r\n} \t\r\n, \t\r\n[ \t\r\n] \t\r\n, \t\r\n{ \t\r\n} \t\r\n] \t\r\n} \t\r\n',
      '{"items":[{"verb":"get","a":{ },"b":[ ],"c":[ { } , [ [ ] ] ],"responseStatus":{ "code" : 200 } }]}',
      // valid JSON that is no EventList
      '{}',
      '{"kind":"EventList"}',
      '{"items":null}',
      '{"items":{}}',
      '{"items":"[]"}',
      '[{"items":[]}]',
      '[]',
      '"items"',
      'null',
      '1',
      '{"__proto__":{"items":[]}}',
      '{"__proto__":[],"items":[{"verb":"get","__proto__":{"username":"x"},"user":{"__proto__":{"username":"y"}}}]}',
    ];
    for (const c of cases) expect(mismatch(body(c)), c).toBeUndefined();
    // and some of them in detail
    expect(scanEventList(body(cases[2] as string))?.[0]).toMatchObject({ verb: 'get', user: 'a"b\\c/d\b\f\n\r\t', name: 'x', code: 201 });
    expect(scanEventList(body('{"items":[{"verb":"get","user":{"username":"alice"},"user":{"uid":"1"}}]}'))?.[0]?.user).toBe('');
    expect(scanEventList(body('{"items":[{"verb":"a"}],"items":[{"verb":"b"},{"verb":"c"}]}'))?.map((e) => e.verb)).toEqual(['b', 'c']);
    expect(scanEventList(body('{"items":[{"verb":"a"}],"items":null}'))).toBeUndefined();
    expect(scanEventList(body('{"items":[{"verb":"get","responseStatus":{"code":-0}}]}'))?.[0]?.code).toBe(-0);
  });

  it('any nesting depth, without recursion', () => {
    for (const depth of [10_000, 100_000]) {
      const deep = (open: string, close: string, inner: string) => open.repeat(depth) + inner + close.repeat(depth);
      const text = `{"x":${deep('[', ']', '')},"items":[{"verb":"get","requestObject":${deep('{"a":', '}', '1')}},${deep('[', ']', '{"verb":"x"}')}],"y":${deep('[', ']', '"s"')}}`;
      expect(mismatch(body(text))).toBeUndefined();
      expect(scanEventList(body(text))).toHaveLength(1);
      expect(scanEventList(body(text.slice(0, -2) + '}'))).toBeUndefined();
    }
  });

  it('refuses what JSON.parse refuses', () => {
    const invalid = [
      '',
      ' ',
      '{',
      '{"items":[1,]}',
      '{"items":[],}',
      '{"items":[01]}',
      '{"items":[-01]}',
      '{"items":[00]}',
      '{"items":[1.]}',
      '{"items":[.5]}',
      '{"items":[+1]}',
      '{"items":[-]}',
      '{"items":[1e]}',
      '{"items":[1e+]}',
      '{"items":[1.e5]}',
      '{"items":[0x10]}',
      '{"items":[1_000]}',
      '{"items":["\\x41"]}',
      '{"items":["\\u12"]}',
      '{"items":["\\u12G4"]}',
      '{"items":["\\U0041"]}',
      '{"items":["\\\'"]}',
      '{"items":["\\a"]}',
      '{"items":["\\"]}',
      '{"items":["a\tb"]}',
      '{"items":["a\nb"]}',
      '{"items":["a\rb"]}',
      '{"items":["a\u0000b"]}',
      '{"items":["a\u001fb"]}',
      '{"items":[{"ver\tb":"get"}]}',
      '{"items":["abc]}',
      '{"items":["abc\\',
      '{"items":["abc\\u00',
      '{"items":[{"verb":"get"}]',
      '{"items":[{"verb":"get"}',
      '{"items":[{"verb":"get"',
      '{"items":[{"verb":',
      '{"items":[{"verb"',
      '{"items":[{',
      '{"items":[]} x',
      '{"items":[]}}',
      '{"items":[]}]',
      '{"items":[]}{}',
      '{"items":[]} 1',
      "{'items':[]}",
      '{"items":[\'a\']}',
      '{"items":[NaN]}',
      '{"items":[Infinity]}',
      '{"items":[-Infinity]}',
      '{"items":[undefined]}',
      '{"items":[tru]}',
      '{"items":[True]}',
      '{"items":[nul]}',
      '{"items":[falsey]}',
      '{"items":[truefalse]}',
      '{"items" []}',
      '{"items":[] "a":1}',
      '{,"items":[]}',
      '{"items":[,1]}',
      '{"items":[1 2]}',
      '{"items":[{"verb":"get",}]}',
      '{"items":[{"verb" "get"}]}',
      '{"items":[{"verb":"get"]}',
      '{"items":[{"verb":"get"}}',
      '{"items":[{"verb":"get"]}]',
      '{"items":{"a":[}]}',
      '{"items":[}',
      '{"items":{]}',
      '{items:[]}',
      '{1:[]}',
      '{"a":1 "items":[]}',
      '{"items"::[]}',
      '{"items":[]:}',
      '{"items":[/* */]}',
      '{"items":[]}\u000b',
      '\u000c{"items":[]}',
      '{"items":[]}\u00a0',
      '{"items":[]}\u2028',
      '\ufeff{"items":[]}',
    ];
    for (const c of invalid) {
      expect(oracle(body(c)), c).toBeUndefined();
      expect(scanEventList(body(c)), JSON.stringify(c)).toBeUndefined();
    }
    // bytes that are not UTF-8, in a string and outside: the body is refused
    const bad = [[0xff], [0xc0, 0xaf], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xf0, 0x9f, 0x98]];
    for (const b of bad) {
      const inString = Buffer.concat([body('{"items":[{"verb":"get","auditID":"a'), Buffer.from(b), body('"}]}')]);
      expect(isUtf8(inString)).toBe(false);
      expect(scanEventList(inString)).toBeUndefined();
      expect(scanEventList(Buffer.concat([body('{"items":[]}'), Buffer.from(b)]))).toBeUndefined();
    }
    // valid UTF-8 outside a string is not JSON either
    expect(scanEventList(body('{"items":[é]}'))).toBeUndefined();
  });

  it('a seeded fuzzer: random byte edits of valid bodies, each compared with JSON.parse', () => {
    let seed = 0x6b77;
    // mulberry32: a small PRNG, so a failure can be replayed
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const alphabet = [...Buffer.from('{}[]",:\\ 0123456789eE.+-tfnulu\t\nxA'), 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xff, 0x00, 0x1f];
    const lab = readFileSync(LAB, 'utf8').split('\n').filter(Boolean);
    const seeds = [
      '{"kind":"EventList","items":[{"verb":"get","auditID":"a1","stage":"ResponseComplete","user":{"username":"u","groups":["g"]},"objectRef":{"resource":"pods","namespace":"ns","name":"p"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2021-06-01T10:00:00.000001Z","timestamp":"2021-06-01T10:00:01Z","requestObject":{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}},{"verb":"list"}]}',
      '{"items":[{"verb":"get","user":{"username":"a"},"user":{"username":"b"},"responseStatus":{"code":-0.5E+2},"stageTimestamp":"2021-06-01T10:00:00Z"},5,"x",[{"verb":"no"}]],"items":[{"verb":"w"}]}',
      '{ "items" : [ { "verb" : "c\\"d" , "objectRef" : { "name" : "n\\u0041\\ud83d\\ude00" , "resource" : "r😀" } , "auditID" : "é" } ] }',
      `{"kind":"EventList","items":[${lab.slice(0, 2).join(',')}]}`,
    ].map(body);
    const failures: string[] = [];
    let accepted = 0;
    for (let round = 0; round < 6000; round++) {
      let b = pick(seeds);
      for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
        const at = Math.floor(random() * (b.length + 1));
        const byte = Buffer.from([pick(alphabet)]);
        const op = random();
        b = op < 0.33 ? Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]) : op < 0.66 ? Buffer.concat([b.subarray(0, at), byte, b.subarray(at)]) : Buffer.concat([b.subarray(0, at), byte, b.subarray(at + 1)]);
      }
      const m = mismatch(b);
      if (m !== undefined) failures.push(`${m}: ${JSON.stringify(b.toString('latin1'))}`);
      if (scanEventList(b) !== undefined) accepted++;
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // the edits leave a fair share of bodies valid, so the fields are compared too
    expect(accepted).toBeGreaterThan(300);
  });
});
