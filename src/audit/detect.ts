/**
 * Streaming detection over audit events: every rule of the registry sees every event once, in order;
 * memory is bounded (per-rule state and the per-request dedupe are capped), so a live webhook and a
 * 1M-event file run the same code. An alert names the rule, its severity and MITRE technique, and the
 * event that proves it (auditID, user, verb, object, time).
 */
import type { Severity } from '../model/finding.js';
import { atOrAbove } from '../model/finding.js';
import { eventTime, stripQuery } from './attributes.js';
import { emptyReadStats, readAuditBatches, unstartedReader, type NeedleGroups } from './read.js';
import type { AuditEvent } from './read-types.js';
import { detectionRules } from './rules/index.js';
import { BoundedSet, type DetectionRule, type MitreTechnique, type SharedState } from './rules/rule.js';

export interface Alert {
  rule: string;
  severity: Severity;
  title: string;
  detail: string;
  mitre: MitreTechnique | null;
  auditID: string;
  stage: string;
  time: string;
  user: string;
  impersonatedUser: string | null;
  verb: string;
  /** "namespace/resource/name[/subresource]" (group-qualified), or the request path for non-resource requests */
  object: string;
  sourceIP: string | null;
  userAgent: string | null;
  code: number | null;
}

export interface DetectOptions {
  /** only rules with these ids (default: all) */
  rules?: readonly string[];
  trustedUsers?: readonly string[];
  trustedGroups?: readonly string[];
  /** RFC 3339 bounds on the request time (inclusive) */
  since?: string;
  until?: string;
  /**
   * false: a rule may report a request again (default true: once per rule and request). The stores turn
   * it off: their unique (rule, auditID) index keeps one alert per rule and request, and a group whose
   * transaction failed must raise its alerts again when the API server retries it.
   */
  reportOnce?: boolean;
}

export interface Detector {
  /** Alerts this event raises (at most one per rule and request). */
  process(e: AuditEvent): Alert[];
  /** Lines of a log holding none of these groups can raise nothing (undefined: every line matters). */
  prefilter: NeedleGroups | undefined;
}

/** The union of the rules' line prefilters, undefined when one of them needs every event. */
export function rulesPrefilter(rules: readonly DetectionRule<unknown>[]): NeedleGroups | undefined {
  const groups: (readonly (string | number)[])[] = [];
  for (const r of rules) {
    if (!r.prefilter) return undefined;
    groups.push(...r.prefilter);
  }
  return groups;
}

/** How an audit event names its object. */
export function objectLabel(e: AuditEvent): string {
  const o = e.objectRef;
  if (!o) return stripQuery(e.requestURI ?? '');
  const resource = o.apiGroup ? `${o.resource ?? ''}.${o.apiGroup}` : (o.resource ?? '');
  return [o.namespace, resource, o.name, o.subresource].filter((x) => x !== undefined && x !== '').join('/');
}

export function selectRules(ids: readonly string[] | undefined): readonly DetectionRule<unknown>[] {
  if (!ids || ids.length === 0) return detectionRules;
  const known = new Map(detectionRules.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = known.get(id) ?? known.get(`audit/${id}`);
    if (!r) throw new Error(`unknown detection rule "${id}" (known: ${detectionRules.map((x) => x.id).join(', ')})`);
    return r;
  });
}

function millis(bound: string | undefined, name: string): number | undefined {
  if (bound === undefined) return undefined;
  const t = Date.parse(bound);
  if (Number.isNaN(t)) throw new Error(`${name} ${bound}: expected an RFC 3339 time such as 2026-11-28T13:00:00Z`);
  return t;
}

export function createDetector(opts: DetectOptions = {}): Detector {
  const selected = selectRules(opts.rules);
  const rules = selected.map((rule) => ({ rule, state: rule.initState() }));
  const trustedUsers = new Set(opts.trustedUsers ?? []);
  const trustedGroups = new Set(opts.trustedGroups ?? []);
  const shared: SharedState = {
    powerfulServiceAccounts: new BoundedSet(10_000),
    trusted: (e) => !e.impersonatedUser && (trustedUsers.has(e.user?.username ?? '') || (e.user?.groups ?? []).some((g) => trustedGroups.has(g))),
  };
  // A request is logged at up to three stages; a rule reports it once.
  const reported = new BoundedSet(100_000);
  const since = millis(opts.since, '--since');
  const until = millis(opts.until, '--until');
  return {
    prefilter: rulesPrefilter(selected),
    process(e) {
      // RequestReceived repeats the request without its outcome.
      if (e.stage === 'RequestReceived') return [];
      if (since !== undefined || until !== undefined) {
        const t = Date.parse(eventTime(e));
        if (Number.isNaN(t) || (since !== undefined && t < since) || (until !== undefined && t > until)) return [];
      }
      const out: Alert[] = [];
      for (const { rule, state } of rules) {
        const m = rule.match(e, state, shared);
        if (!m) continue;
        const key = `${rule.id}\u0000${e.auditID ?? ''}`;
        if (e.auditID && opts.reportOnce !== false) {
          if (reported.has(key)) continue;
          reported.add(key);
        }
        out.push({
          rule: rule.id,
          severity: m.severity ?? rule.severity,
          title: rule.title,
          detail: m.detail,
          mitre: rule.mitre ?? null,
          auditID: e.auditID ?? '',
          stage: e.stage ?? '',
          time: eventTime(e),
          user: e.user?.username ?? '',
          impersonatedUser: e.impersonatedUser?.username ?? null,
          verb: e.verb,
          object: objectLabel(e),
          sourceIP: e.sourceIPs?.at(-1) ?? null,
          userAgent: e.userAgent ?? null,
          code: e.responseStatus?.code ?? null,
        });
      }
      return out;
    },
  };
}

export interface DetectSummary {
  /** events read; a log line the prefilter skipped unparsed counts as one */
  events: number;
  alerts: Alert[];
}

/**
 * Runs the detector over a stream of events. Given a reader (readAuditEvents/readAuditBatches) that
 * has not started and has no prefilter of its own, it reads the same inputs with the rules' prefilter:
 * lines no rule can fire on are never parsed, and the alerts are the same.
 */
export async function detectEvents(events: AsyncIterable<AuditEvent> | Iterable<AuditEvent>, opts: DetectOptions = {}): Promise<DetectSummary> {
  const detector = createDetector(opts);
  const alerts: Alert[] = [];
  let n = 0;
  const reader = unstartedReader(events);
  if (reader && detector.prefilter && !reader.opts.prefilter && !reader.opts.contains) {
    const stats = reader.opts.stats ?? emptyReadStats();
    const skippedBefore = stats.prefiltered;
    for await (const batch of readAuditBatches(reader.inputs, { ...reader.opts, stats, prefilter: detector.prefilter }))
      for (const e of batch) {
        n++;
        for (const a of detector.process(e)) alerts.push(a);
      }
    return { events: n + stats.prefiltered - skippedBefore, alerts };
  }
  for await (const e of events) {
    n++;
    for (const a of detector.process(e)) alerts.push(a);
  }
  return { events: n, alerts };
}

export function failing(alerts: readonly Alert[], failOn: Severity): boolean {
  return alerts.some((a) => atOrAbove(a.severity, failOn));
}
