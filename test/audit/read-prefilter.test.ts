/**
 * The line prefilter (read-lines.ts) and parallel reading (parallel.ts): the automaton and the indexOf
 * paths agree with a plain substring test, escapes cannot hide a needle, skipped lines keep their
 * bad-input reports, and worker threads give exactly what one thread gives (events, order, problems
 * with file:line, counters) whatever the range cuts.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyReadStats, readAuditBatches, type AuditEvent, type AuditProblem, type ReadAuditOptions } from '../../src/audit/read.js';
import { lineFilter, literalPiece, type NeedleGroups } from '../../src/audit/read-lines.js';
import { writeSyntheticAuditLog } from '../helpers/synthetic-audit.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LAB = `${REPO}test/fixtures/audit/k8s-1.20-lab/dev-audit.log`;

let dir: string;
let synthetic: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeward-read-prefilter-'));
  synthetic = writeSyntheticAuditLog(join(dir, 'synthetic.log'), 20_000, 7);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readAll(inputs: string[], opts: ReadAuditOptions = {}) {
  const problems: AuditProblem[] = [];
  const stats = emptyReadStats();
  const events: AuditEvent[] = [];
  for await (const b of readAuditBatches(inputs, { ...opts, stats, onProblem: (p) => problems.push(p) })) events.push(...b);
  return { events, problems, stats };
}

/** Lines the filter wants, by index. */
function wanted(groups: NeedleGroups, lines: readonly string[]): number[] {
  const f = lineFilter(groups);
  if (!f) throw new Error('no filter');
  const buf = Buffer.from(`${lines.join('\n')}\n`);
  const out: number[] = [];
  let i = 0;
  f.scan(buf, 0, buf.length, (_b, _s, _e, w) => {
    if (w) out.push(i);
    i++;
  });
  return out;
}

/** What the filter must compute: every needle of one group present (a number as a number token), a \u escape of a string needle's character, or a GKE entry. */
function naive(groups: NeedleGroups, lines: readonly string[]): number[] {
  const gs = [...groups, ['protoPayload']];
  const chars = new Set(gs.flatMap((g) => g.filter((n) => typeof n === 'string').map(literalPiece)).join(''));
  const escaped = (l: string): boolean => [...l.matchAll(/\\u([0-9a-fA-F]{4})/g)].some((m) => chars.has(String.fromCharCode(Number.parseInt(m[1] as string, 16))));
  const has = (l: string, n: string | number): boolean => (typeof n === 'number' ? new RegExp(`(^|[:,[\\s])${n}(?![0-9])`).test(l) : l.includes(literalPiece(n)));
  return lines.flatMap((l, i) => (gs.some((g) => g.every((n) => has(l, n))) || escaped(l) ? [i] : []));
}

describe('line prefilter', () => {
  it('cuts needles at characters JSON may escape and keeps the longest piece', () => {
    expect(literalPiece('system:serviceaccount:ci:deployer')).toBe('system:serviceaccount:ci:deployer');
    expect(literalPiece('"alice"')).toBe('alice');
    expect(literalPiece('a/b\\"long-part')).toBe('long-part');
    expect(literalPiece('"/"')).toBe('');
    expect(lineFilter([['"/"']])).toBeUndefined();
    expect(lineFilter([])).toBeUndefined();
  });

  it('the automaton (many needles, groups) and indexOf (few) agree with a substring test on real and synthetic lines', async () => {
    const lines = [...(await readFile(LAB, 'utf8')).split('\n'), ...(await readFile(synthetic, 'utf8')).split('\n').slice(0, 5000)];
    const cases: NeedleGroups[] = [
      [['secrets']],
      [['system:serviceaccount:ci:deployer'], ['oidc:bob@example.test']],
      [[403], ['forbid']],
      [['403'], [401]],
      [
        ['pods', 'exec'],
        ['pods', 'attach'],
        ['nodes', 'proxy'],
      ],
      // more than 31 needles: bits are shared, which may only let more lines through
      Array.from({ length: 40 }, (_, i) => [`needle-${i}`, 'pods']).concat([['events', 'delete']]),
    ];
    for (const groups of cases) {
      const got = wanted(groups, lines);
      const must = naive(groups, lines);
      if (groups.length > 31) expect(must.every((i) => got.includes(i))).toBe(true);
      else expect(got).toEqual(must);
    }
  });

  it('a needle spelled with a \\u escape is still found; a line with an escaped quote is matched on its pieces', async () => {
    const e = (extra: string) => `{"kind":"Event","verb":"get","user":{"username":"u${extra}"},"objectRef":{"resource":"pods"}}`;
    const f = join(dir, 'escaped.log');
    await writeFile(f, [e(''), e('\\u0073ecrets'), e('\\"q\\"'), e('secrets')].join('\n'));
    const { events, stats } = await readAll([f], { prefilter: [['secrets']] });
    expect(events.map((x) => x.user?.username)).toEqual(['usecrets', 'usecrets']);
    expect(stats.prefiltered).toBe(2);
  });

  it('skipped lines: garbage reported with file:line, blank lines not counted, a broken middle not seen (documented limit)', async () => {
    const lab = (await readFile(LAB, 'utf8')).split('\n').filter(Boolean);
    const lines = [lab[0], 'garbage without the needle', '', '   ', '{"kind":"Event", broken in the middle}', lab[1], '[1, 2'];
    const f = join(dir, 'skipped.log');
    await writeFile(f, lines.join('\n'));
    const { problems, stats } = await readAll([f], { contains: ['no-such-user'] });
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [f, 2],
      [f, 7],
    ]);
    expect(problems[0]?.message).toMatch(/not one JSON value/);
    expect(stats.lines).toBe(7);
    expect(stats.prefiltered).toBe(3);
  });
});

describe('parallel reading: identical to one thread', () => {
  const forced = { minBytes: 0, threads: 2 };

  it.each([
    ['contains', { contains: ['system:serviceaccount:ci:deployer'] }],
    ['detection-like groups', { prefilter: [['secrets'], ['pods', 'exec'], ['403'], ['impersonatedUser']] }],
  ] as [string, ReadAuditOptions][])('synthetic log, %s, ranges cut mid-line', async (_name, opts) => {
    const one = await readAll([synthetic], { ...opts, parallel: { threads: 1 } });
    for (const rangeBytes of [50_000, 1 << 20]) {
      const many = await readAll([synthetic], { ...opts, parallel: { ...forced, rangeBytes } });
      expect(many.stats.workerRanges).toBeGreaterThan(0);
      expect(many.events).toEqual(one.events);
      expect(many.problems).toEqual(one.problems);
      expect({ ...many.stats, workerRanges: 0 }).toEqual(one.stats);
    }
    expect(one.stats.workerRanges).toBe(0);
  });

  it('bad lines at range edges keep exact file:line; a last line without newline; CRLF; several files in order', async () => {
    const lab = (await readFile(LAB, 'utf8')).split('\n').filter(Boolean);
    const lines: string[] = [];
    lab.forEach((l, i) => {
      lines.push(l);
      if (i % 97 === 0) lines.push('garbage line');
      if (i % 89 === 0) lines.push(l.slice(0, 80));
    });
    const f = join(dir, 'bad-edges.log');
    await writeFile(f, lines.join('\r\n'));
    const opts: ReadAuditOptions = { prefilter: [['system:serviceaccount:ci:deployer'], ['lab-admin']] };
    const one = await readAll([f, LAB], { ...opts, parallel: { threads: 1 } });
    expect(one.problems.length).toBeGreaterThan(40);
    for (const rangeBytes of [7000, 65_536]) {
      const many = await readAll([f, LAB], { ...opts, parallel: { ...forced, rangeBytes } });
      expect(many.events).toEqual(one.events);
      expect(many.problems).toEqual(one.problems);
      expect(many.stats.lines).toBe(one.stats.lines);
    }
  });

  it('not used for pretty-printed documents, gzip or stdin: read by one thread', async () => {
    const pretty = join(dir, 'pretty.json');
    const items = (await readFile(LAB, 'utf8')).split('\n').filter(Boolean).slice(0, 50).map((l) => JSON.parse(l) as unknown);
    await writeFile(pretty, JSON.stringify({ kind: 'EventList', items }, null, 2));
    const r = await readAll([pretty], { contains: ['deployer'], parallel: forced });
    expect(r.stats.workerRanges).toBe(0);
    expect(r.events.length).toBe(50);
  });
});

describe('the built reader (dist/): workers load compiled JS', () => {
  const built = `${REPO}dist/src/audit/read.js`;
  const current = (() => {
    try {
      return ['read.ts', 'read-lines.ts', 'parallel.ts', 'parallel-range.ts', 'parallel-worker.ts'].every((f) => statSync(`${REPO}src/audit/${f}`).mtimeMs <= statSync(built).mtimeMs);
    } catch {
      return false;
    }
  })();
  it.skipIf(!current)('same events from dist with worker threads as from the sources with one thread', async () => {
    const script = `import { readAuditBatches, emptyReadStats } from ${JSON.stringify(built)};
      const stats = emptyReadStats(); const ids = [];
      for await (const b of readAuditBatches([${JSON.stringify(synthetic)}], { stats, contains: ['system:serviceaccount:ci:deployer'], parallel: { minBytes: 0, threads: 2, rangeBytes: 1 << 20 } })) for (const e of b) ids.push(e.auditID + e.stage);
      console.log(JSON.stringify({ workerRanges: stats.workerRanges, ids }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { workerRanges: number; ids: string[] };
    const one = await readAll([synthetic], { contains: ['system:serviceaccount:ci:deployer'], parallel: { threads: 1 } });
    expect(out.workerRanges).toBeGreaterThan(0);
    expect(out.ids).toEqual(one.events.map((e) => `${e.auditID ?? ''}${e.stage ?? ''}`));
  });
});
