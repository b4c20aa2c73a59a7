/**
 * The detection prefilter is sound: alerts read with the rules' line prefilter (and with worker
 * threads) equal the alerts over every event parsed, on every captured log and on a synthetic one;
 * and for each rule, every event it fires on holds its declared needles (a property over all of them).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, detectEvents, rulesPrefilter, type DetectOptions } from '../../src/audit/detect.js';
import { readAuditEvents, type ReadAuditOptions } from '../../src/audit/read.js';
import { lineFilter } from '../../src/audit/read-lines.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { detectionRules } from '../../src/audit/rules/index.js';
import { writeSyntheticAuditLog } from '../helpers/synthetic-audit.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE_DIRS = [`${REPO}test/fixtures/audit`, `${REPO}../shared/fixtures/audit`].filter((d) => existsSync(d));
const fixtures = FIXTURE_DIRS.flatMap((d) =>
  readdirSync(d, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(log|json)$/.test(f))
    .map((f) => join(d, f))
    .sort(),
);

let dir: string;
let synthetic: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeward-detect-prefilter-'));
  synthetic = writeSyntheticAuditLog(join(dir, 'synthetic.log'), 20_000, 11);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function all(file: string, opts: ReadAuditOptions = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const e of readAuditEvents([file], opts)) out.push(e);
  return out;
}

const OPTIONS: DetectOptions[] = [{}, { trustedGroups: ['lab:cluster-admins'] }, { rules: ['secrets-read', 'token-request', 'cluster-admin-binding'] }];

describe('detection with the prefilter = without', () => {
  it(`every captured log (${fixtures.length} files), several rule selections`, async () => {
    expect(fixtures.length).toBeGreaterThan(40);
    for (const f of fixtures)
      for (const opts of OPTIONS) {
        // an array is not a reader: every event parsed, no prefilter
        const without = await detectEvents(await all(f), opts);
        const withPrefilter = await detectEvents(readAuditEvents([f], { onProblem: () => undefined }), opts);
        expect(withPrefilter.alerts, f).toEqual(without.alerts);
      }
  });

  it('the lab capture: same events counted (a skipped line counts as its event)', async () => {
    const lab = `${REPO}test/fixtures/audit/k8s-1.20-lab/dev-audit.log`;
    const r = await detectEvents(readAuditEvents([lab]));
    expect(r.events).toBe(2387);
  });

  it('a 20,000-event synthetic log, one thread and worker threads over cut ranges', async () => {
    const events = await all(synthetic);
    for (const opts of OPTIONS) {
      const without = await detectEvents(events, opts);
      expect(without.alerts.length).toBeGreaterThan(0);
      const one = await detectEvents(readAuditEvents([synthetic]), opts);
      expect(one.alerts).toEqual(without.alerts);
      expect(one.events).toBe(without.events);
      const parallel = await detectEvents(readAuditEvents([synthetic], { parallel: { minBytes: 0, threads: 2, rangeBytes: 1 << 20 } }), opts);
      expect(parallel.alerts).toEqual(without.alerts);
      expect(parallel.events).toBe(without.events);
    }
  });

  it('a rule without a prefilter switches it off', () => {
    expect(rulesPrefilter(detectionRules)).toBeDefined();
    expect(rulesPrefilter([...detectionRules, { ...(detectionRules[0] as (typeof detectionRules)[0]), prefilter: undefined }])).toBeUndefined();
  });
});

describe('each rule: the events it fires on hold its needles', () => {
  // events shaped as the API server logs them, for the rules no capture exercises
  const base = (over: Partial<AuditEvent>): AuditEvent => ({ kind: 'Event', stage: 'ResponseComplete', auditID: `id-${Math.random()}`, verb: 'get', user: { username: 'mallory', groups: ['system:authenticated'] }, sourceIPs: ['10.0.0.9'], requestReceivedTimestamp: '2026-11-28T10:00:00.000000Z', responseStatus: { code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow' }, ...over });
  const crafted: AuditEvent[] = [
    base({ objectRef: { resource: 'nodes', name: 'cp-1', subresource: 'proxy' } }),
    base({ verb: 'create', objectRef: { resource: 'pods', namespace: 'prod', name: 'db-0', subresource: 'portforward' } }),
    base({ verb: 'update', objectRef: { resource: 'certificatesigningrequests', apiGroup: 'certificates.k8s.io', name: 'csr-x', subresource: 'approval' } }),
    base({ verb: 'create', objectRef: { resource: 'mutatingwebhookconfigurations', apiGroup: 'admissionregistration.k8s.io', name: 'inject' } }),
    base({ verb: 'create', objectRef: { resource: 'pods', namespace: 'prod', name: 'x', subresource: 'ephemeralcontainers' } }),
    base({ verb: 'create', objectRef: { resource: 'serviceaccounts', namespace: 'kube-system', name: 'coredns', subresource: 'token' }, responseStatus: { code: 201 } }),
    ...Array.from({ length: 12 }, (_, i) => base({ verb: 'list', objectRef: { resource: 'pods', namespace: `ns${i}` }, responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid' } })),
    ...Array.from({ length: 4 }, () => base({ user: { username: '' }, responseStatus: { code: 401 }, stage: 'ResponseStarted' })),
  ];

  it('every rule fires on the corpus, and only on lines its prefilter keeps', async () => {
    const corpus: AuditEvent[] = [];
    for (const f of [...fixtures, synthetic]) corpus.push(...(await all(f, { onProblem: () => undefined })));
    corpus.push(...crafted);
    for (const rule of detectionRules) {
      const filter = lineFilter(rule.prefilter);
      expect(filter, rule.id).toBeDefined();
      const detector = createDetector({ rules: [rule.id] });
      let fired = 0;
      for (const e of corpus) {
        if (detector.process(e).length === 0) continue;
        fired++;
        const line = Buffer.from(JSON.stringify(e));
        let kept = false;
        filter?.scan(line, 0, line.length, (_b, _s, _e, wanted) => (kept = wanted));
        expect(kept, `${rule.id} fired on a line its prefilter skips: ${JSON.stringify(e).slice(0, 300)}`).toBe(true);
      }
      expect(fired, rule.id).toBeGreaterThan(0);
    }
  });
});
