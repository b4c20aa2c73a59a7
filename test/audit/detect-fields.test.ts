/**
 * The rules' `fields` conditions (rules/rule.ts), which audit serve checks on the fields scanEventList
 * read before it parses an event: they are necessary conditions, so skipping the events that fail them
 * (and the text prefilter) must change no alert. The reference is the detector run on every event of
 * every captured log and of a synthetic log, all rules together and each rule alone (a rule's selection
 * decides which conditions apply); and each rule's own test events that raise its alert pass its condition.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/audit/detect.js';
import { scanEventList } from '../../src/audit/event-list.js';
import { detectionRules } from '../../src/audit/rules/index.js';
import { detectionPrefilter, eventDetector } from '../../src/audit/store.js';
import { capturedAuditValues } from '../helpers/captured-audit.js';
import { writeSyntheticAuditLog } from '../helpers/synthetic-audit.js';

let dir: string;
/** EventList bodies of 100 events, as audit serve receives them */
let bodies: Buffer[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-detect-fields-'));
  const captured = capturedAuditValues().flatMap((c) => c.values.filter((v) => v !== null && typeof v === 'object' && typeof (v as { verb?: unknown }).verb === 'string'));
  const synthetic = readFileSync(writeSyntheticAuditLog(join(dir, 'synthetic.log'), 30_000, 7), 'utf8').split('\n').filter(Boolean);
  const items = [...captured.map((v) => JSON.stringify(v)), ...crafted().map((v) => JSON.stringify(v)), ...synthetic];
  bodies = [];
  for (let k = 0; k < items.length; k += 100) bodies.push(Buffer.from(`{"kind":"EventList","items":[${items.slice(k, k + 100).join(',')}]}`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Events that reach a rule only through a field the logs never exercise alone. */
function crafted(): object[] {
  const base = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', stage: 'ResponseComplete', verb: 'get', requestURI: '/api/v1/namespaces', sourceIPs: ['10.0.0.9'], responseStatus: { code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow' } };
  const t = (s: number) => `2026-11-28T13:00:${String(s).padStart(2, '0')}.000000Z`;
  return [
    // an authenticating proxy or webhook that hands out the unauthenticated group: array, then a string
    { ...base, auditID: 'crafted-1', requestReceivedTimestamp: t(1), user: { username: 'front-proxy', groups: ['system:authenticated', 'system:unauthenticated'] } },
    { ...base, auditID: 'crafted-2', requestReceivedTimestamp: t(2), user: { username: 'front-proxy', groups: 'system:unauthenticated' } },
    // impersonating the anonymous user
    { ...base, auditID: 'crafted-3', requestReceivedTimestamp: t(3), user: { username: 'admin' }, impersonatedUser: { username: 'system:anonymous' } },
    // denials logged by their decision alone (no response code): a burst
    ...Array.from({ length: 25 }, (_, k) => ({ ...base, auditID: `crafted-deny-${k}`, requestReceivedTimestamp: t(10 + (k % 5)), user: { username: 'eve' }, responseStatus: undefined, annotations: { 'authorization.k8s.io/decision': 'forbid' } })),
  ];
}

/** The alerts of one detector over every body, on the events `wanted` lets through. */
function alerts(rules: string[] | undefined, wanted: (body: Buffer, e: NonNullable<ReturnType<typeof scanEventList>>[number]) => boolean): Alert[] {
  const detect = eventDetector({ rules });
  const out: Alert[] = [];
  for (const body of bodies) for (const e of scanEventList(body) ?? []) if (wanted(body, e)) out.push(...detect(body, e));
  return out;
}

describe('detection on scanned fields', () => {
  it('every rule declares its condition on the fields', () => {
    expect(detectionRules.filter((r) => r.fields === undefined).map((r) => r.id)).toEqual([]);
  });

  it('skipping what the prefilters rule out changes no alert: all rules, and each rule alone', () => {
    const all = alerts(undefined, () => true);
    // the logs raise alerts of most rules, so the comparison means something
    expect(new Set(all.map((a) => a.rule)).size).toBeGreaterThanOrEqual(12);
    expect(alerts(undefined, detectionPrefilter(undefined))).toEqual(all);
    for (const r of detectionRules) {
      const rules = [r.id];
      expect(alerts(rules, detectionPrefilter({ rules })), r.id).toEqual(alerts(rules, () => true));
    }
  });

  it('the conditions rule out most events of the synthetic log (a cluster at work)', () => {
    const synthetic = bodies.slice(-300);
    const wanted = detectionPrefilter(undefined);
    let total = 0;
    let passed = 0;
    for (const body of synthetic) {
      for (const e of scanEventList(body) ?? []) {
        total++;
        if (detectionRules.some((r) => r.fields?.(e))) passed++;
        else expect(wanted(body, e)).toBe(false);
      }
    }
    expect(passed / total).toBeLessThan(0.2);
  });
});
