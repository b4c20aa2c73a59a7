/**
 * The detection-rule shape (like checks: one file per rule, a registry array in index.ts) and the
 * facts about an audit event that several rules share. A rule is pure: `match` reads the event, its
 * own bounded state and the detector's shared state, and says whether (and how badly) it fires.
 */
import type { Severity } from '../../model/finding.js';
import type { ScannedEvent } from '../event-list.js';
import type { NeedleGroups } from '../read-lines.js';
import type { AuditEvent } from '../read-types.js';
import { authorizationDenied, eventTime, responseCode } from '../attributes.js';

export interface MitreTechnique {
  id: string;
  name: string;
}

export interface RuleMatch {
  /** overrides the rule's severity (e.g. lower for a denied attempt) */
  severity?: Severity;
  /** a sentence specific to this event */
  detail: string;
}

/** Facts learned from earlier events that later rules need; every collection is bounded. */
export interface SharedState {
  /** service accounts ("ns/name") bound to cluster-admin during the stream */
  powerfulServiceAccounts: BoundedSet;
  /** identities the operator vouches for (`--trusted-user/--trusted-group`): only secret reads are excused */
  trusted: (e: AuditEvent) => boolean;
}

export interface DetectionRule<S = undefined> {
  id: string;
  severity: Severity;
  title: string;
  description: string;
  remediation: string;
  mitre?: MitreTechnique;
  /** the lowest audit level at which the rule can see what it needs */
  needsLevel: 'Metadata' | 'Request' | 'RequestResponse';
  /**
   * A necessary condition on the raw log line: every event this rule fires on, or that changes its
   * state or the shared state, contains every string of at least one group (values as logged, e.g. the
   * resource, subresource, a status code). Lines holding no rule's group are never parsed (read-lines.ts
   * says what is matched and why it is sound). Absent: the rule needs every event, and nothing is skipped.
   */
  prefilter?: NeedleGroups;
  /**
   * A necessary condition on the fields scanEventList reads from a webhook body (event-list.ts), as
   * `prefilter` is on the text: every event this rule fires on, or that changes its state or the shared
   * state, passes it. audit serve parses an event only when it passes some rule's `fields` and holds
   * some rule's `prefilter` group (store.ts detectionPrefilter); without it every event passes. (A
   * subresource the rule refuses when truthy is '' there when absent, null or not a string.)
   */
  fields?: (e: ScannedEvent) => boolean;
  initState(): S;
  match(e: AuditEvent, state: S, shared: SharedState): RuleMatch | undefined;
}

export function defineRule<S>(rule: DetectionRule<S>): DetectionRule<S> {
  return rule;
}

/** A Set that forgets its oldest entries beyond `max` (insertion order), so memory stays bounded. */
export class BoundedSet {
  private readonly items = new Set<string>();
  constructor(private readonly max: number) {}
  has(k: string): boolean {
    return this.items.has(k);
  }
  add(k: string): void {
    this.items.delete(k);
    this.items.add(k);
    if (this.items.size > this.max) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
  }
}

/**
 * Control-plane components acting as themselves: the API server, controller-manager, scheduler,
 * kube-proxy, kubelets and the kube-system controllers' service accounts. Judged on the authenticated
 * user; an impersonated request never counts as the control plane.
 */
export function isControlPlane(e: AuditEvent): boolean {
  if (e.impersonatedUser) return false;
  const name = e.user?.username ?? '';
  return (
    name === 'system:apiserver' ||
    name.startsWith('system:kube-') ||
    name.startsWith('system:node:') ||
    name.startsWith('system:serviceaccount:kube-system:') ||
    (e.user?.groups ?? []).includes('system:nodes')
  );
}

/** The request was authorized (the decision annotation, else not a 401/403). */
export function authorized(e: AuditEvent): boolean {
  const code = responseCode(e);
  return code !== 401 && !authorizationDenied(e);
}

/** The request succeeded (2xx), or the stage has no status yet. */
export function succeeded(e: AuditEvent): boolean {
  const code = responseCode(e);
  return code === 0 || (code >= 200 && code < 300);
}

export function isResource(e: AuditEvent, group: string, resource: string, subresource?: string): boolean {
  const o = e.objectRef;
  return o !== undefined && (o.apiGroup ?? '') === group && o.resource === resource && (subresource === undefined ? !o.subresource : o.subresource === subresource);
}

export const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** The verbs that write an object's content. */
export const CHANGE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch']);

/** "ns/name" of a ServiceAccount username, undefined for other users. */
export function serviceAccountOf(username: string): string | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A string field, "" when absent or not a string. */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Milliseconds since the epoch of the event's time, NaN when it has none. */
export function eventMillis(e: AuditEvent): number {
  return Date.parse(eventTime(e));
}

/**
 * Sliding-window counter: fires when `threshold` hits for one key fall within `windowMs`, then stays
 * quiet for that key for one window. Memory: at most `threshold` timestamps for at most `maxKeys` keys.
 */
export class BurstCounter {
  private readonly hits = new Map<string, { times: number[]; quietUntil: number }>();
  constructor(
    private readonly threshold: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Records a hit; returns the number of hits in the window when the burst fires, else 0. */
  hit(key: string, at: number): number {
    let h = this.hits.get(key);
    if (!h) {
      h = { times: [], quietUntil: -Infinity };
      this.hits.set(key, h);
      if (this.hits.size > this.maxKeys) {
        const oldest = this.hits.keys().next();
        if (!oldest.done) this.hits.delete(oldest.value);
      }
    }
    h.times.push(at);
    if (h.times.length > this.threshold) h.times.shift();
    const first = h.times[0] ?? at;
    if (h.times.length < this.threshold || at - first > this.windowMs || at < h.quietUntil) return 0;
    h.quietUntil = at + this.windowMs;
    return h.times.length;
  }
}
