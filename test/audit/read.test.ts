import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyReadStats, readAuditEvents, type AuditEvent, type AuditProblem, type ReadAuditOptions } from '../../src/audit/read.js';
import { eventAttributes } from '../../src/audit/attributes.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/audit/', import.meta.url));
const fx = (p: string): string => join(FIXTURES, p);

async function readAll(inputs: string[], opts: ReadAuditOptions = {}) {
  const problems: AuditProblem[] = [];
  const stats = emptyReadStats();
  const events: AuditEvent[] = [];
  for await (const e of readAuditEvents(inputs, { ...opts, stats, onProblem: (p) => problems.push(p) })) events.push(e);
  return { events, problems, stats };
}

let dir: string;
let demo: string;
let demoLines: string[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeward-audit-read-'));
  demo = await readFile(fx('audit2rbac/demo.log'), 'utf8');
  demoLines = demo.split('\n').filter(Boolean);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function tmp(name: string, data: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, data);
  return p;
}

describe('real captures (shared/fixtures/audit)', () => {
  it.each([
    ['audit2rbac/demo.log', 37],
    ['k8s-1.20-lab/dev-audit.log', 2387],
    ['rbac-tool/testdata-01.json', 3],
    ['rbac-tool/testdata-02.json', 3],
    ['kubesplaining/native/leastprivilege-demo-audit.log', 28],
    ['kubesplaining/native/minimal-risky-audit.log', 3],
    ['unclepeddy-audit2rbac/audit.log', 2],
  ])('%s: every event, no problem', async (file, count) => {
    const { events, problems, stats } = await readAll([fx(file)]);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(count);
    expect(stats.events).toBe(count);
  });

  it('v1beta1 hand-made events without stage or namespace keep their verb and resource', async () => {
    const { events } = await readAll([fx('unclepeddy-audit2rbac/audit.log')]);
    expect(events.map((e) => [e.apiVersion, e.verb, e.objectRef?.resource, e.stage])).toEqual([
      ['audit.k8s.io/v1beta1', 'create', 'pods', undefined],
      ['audit.k8s.io/v1beta1', 'get', 'secrets', undefined],
    ]);
  });

  it("Falco's captures: events without apiVersion read; the {\"kind\": 0} object is one problem", async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(fx('falco-k8s_audit'))).sort().map((f) => fx(`falco-k8s_audit/${f}`));
    const { events, problems } = await readAll(files);
    expect(events).toHaveLength(51);
    expect(events.filter((e) => e.apiVersion === undefined).length).toBeGreaterThan(20);
    expect(problems).toEqual([{ file: fx('falco-k8s_audit/fal_01_003.json'), line: 1, message: 'not an audit event (kind 0)' }]);
    const exec = events.find((e) => e.objectRef?.subresource === 'exec');
    expect(exec?.stage).toBe('ResponseStarted');
  });

  it('EKS CloudWatch export: each message string is an event', async () => {
    const { events, problems } = await readAll([fx('kubesplaining/eks/minimal-risky-eks-audit.json')]);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(6);
    expect(events[0]?.user?.username).toBe('system:serviceaccount:default:reader');
  });

  it('AKS diagnostic records: properties.log as an object and as a string', async () => {
    const { events, problems } = await readAll([fx('handmade/aks-diagnostic-records.json')]);
    expect(problems).toEqual([]);
    expect(events.map((e) => [e.auditID, e.verb, e.objectRef?.resource])).toEqual([
      ['aks-1', 'get', 'secrets'],
      ['aks-2', 'list', 'configmaps'],
    ]);
    expect(eventAttributes(events[1] as AuditEvent)).toMatchObject({ resourceRequest: true, verb: 'list', namespace: 'app', resource: 'configmaps' });
  });

  it('GKE protoPayload: methodName and resourceName mapped back to attributes and status', async () => {
    const { events, problems } = await readAll([fx('handmade/gke-cloud-audit.json')]);
    expect(problems).toEqual([]);
    expect(events.map(eventAttributes)).toEqual([
      { resourceRequest: true, verb: 'get', namespace: 'foo', apiGroup: '', resource: 'configmaps', subresource: '', name: 'my-configmap', path: '' },
      { resourceRequest: true, verb: 'update', namespace: 'foo', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web', path: '' },
      { resourceRequest: true, verb: 'list', namespace: '', apiGroup: '', resource: 'nodes', subresource: '', name: '', path: '' },
    ]);
    expect(events.map((e) => e.responseStatus?.code)).toEqual([200, 403, 200]);
    expect(events[0]?.user?.username).toBe('system:serviceaccount:foo:app');
    expect(events[1]?.requestURI).toBe('/apis/apps/v1/namespaces/foo/deployments/web/scale');
  });
});

describe('wrappers built from the demo log', () => {
  const items = (): unknown[] => demoLines.map((l) => JSON.parse(l) as unknown);

  it.each([
    ['EventList (webhook batch), one line', () => JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: items() })],
    ['EventList, pretty-printed', () => JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: items() }, null, 2)],
    ['v1 List', () => JSON.stringify({ kind: 'List', apiVersion: 'v1', items: items() }, null, 2)],
    ['meta.k8s.io/v1 List', () => JSON.stringify({ kind: 'List', apiVersion: 'meta.k8s.io/v1', items: items() })],
    ['JSON array, pretty-printed', () => JSON.stringify(items(), null, 1)],
    ['concatenated pretty-printed events', () => items().map((i) => JSON.stringify(i, null, 2)).join('\n')],
    ['events without apiVersion', () => items().map((i) => JSON.stringify({ ...(i as object), apiVersion: undefined })).join('\n')],
    ['CRLF line ends and blank lines', () => demoLines.join('\r\n\r\n')],
  ])('%s: 37 events', async (name, make) => {
    const { events, problems } = await readAll([await tmp(`${name.replace(/\W+/g, '-')}.json`, make())]);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(37);
    expect(events[36]?.auditID).toBe((JSON.parse(demoLines[36] as string) as AuditEvent).auditID);
  });

  it('gzip (by magic bytes, whatever the name) and several files in order', async () => {
    const gz = await tmp('rotated.log.1', gzipSync(demo));
    const { events, problems, stats } = await readAll([gz, fx('rbac-tool/testdata-01.json')]);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(40);
    expect(stats.files).toBe(2);
  });

  it('stdin ("-")', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { readAuditEvents } from ${JSON.stringify(fileURLToPath(new URL('../../src/audit/read.ts', import.meta.url)))}; let n = 0; for await (const e of readAuditEvents(['-'])) n++; console.log(n);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { input: demo, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('37');
  });
});

describe('bad input: counted, reported with file and line, skipped; never a loop', () => {
  it('a truncated last line', async () => {
    const f = await tmp('truncated.log', `${demoLines.slice(0, 5).join('\n')}\n${(demoLines[5] as string).slice(0, 120)}`);
    const { events, problems, stats } = await readAll([f]);
    expect(events).toHaveLength(5);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: f, line: 6 });
    expect(problems[0]?.message).toMatch(/malformed JSON/);
    expect(stats.problems).toBe(1);
  });

  it('garbage lines in the middle', async () => {
    const lines = [...demoLines.slice(0, 3), 'not json', '{"kind":"Event","verb', '[1, 2', '{"kind":"Something"}', '42', ...demoLines.slice(3, 6)];
    const f = await tmp('garbage.log', `${lines.join('\n')}\n`);
    const { events, problems } = await readAll([f]);
    expect(events).toHaveLength(6);
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6, 7, 8]);
    expect(problems[3]?.message).toBe('not an audit event (kind "Something")');
  });

  it('a truncated first line is reported and the rest still read', async () => {
    const f = await tmp('truncated-first.log', `${(demoLines[0] as string).slice(0, 50)}\n${demoLines.slice(1).join('\n')}\n`);
    const { events, problems } = await readAll([f]);
    expect(events).toHaveLength(36);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(1);
  });

  it('a pretty-printed document cut short', async () => {
    const text = JSON.stringify({ kind: 'EventList', items: JSON.parse(`[${demoLines.join(',')}]`) as unknown[] }, null, 2);
    const f = await tmp('cut.json', text.slice(0, text.length - 200));
    const { events, problems } = await readAll([f]);
    expect(events).toHaveLength(0);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(1);
  });

  it('a truncated gzip file and a missing file', async () => {
    const gz = gzipSync(demo);
    const f = await tmp('cut.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const { problems } = await readAll([f, join(dir, 'missing.log')]);
    expect(problems.some((p) => p.file === f && /gzip/.test(p.message))).toBe(true);
    expect(problems.some((p) => p.file === join(dir, 'missing.log') && p.message === 'no such file')).toBe(true);
  });
});

describe('prefilter', () => {
  it('parses only lines containing a needle, counting the rest', async () => {
    const { events, stats } = await readAll([fx('audit2rbac/demo.log')], { contains: ['"alice"'] });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => (e.impersonatedUser ?? e.user)?.username === 'alice')).toBe(true);
    expect(stats.prefiltered + stats.events).toBe(37);
  });
});
