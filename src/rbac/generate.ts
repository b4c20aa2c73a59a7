/**
 * Least-privilege RBAC from audit logs (audit2rbac done right; shared/spec/audit.md §1).
 *
 * 1. Usage: the events of the selected subjects are folded, in one pass and constant memory per distinct
 *    request, into distinct authorizer requests (verb, group, resource, subresource, namespace, name or
 *    path), each with its count, first/last time and a few auditIDs. Stages other than ResponseComplete
 *    and ResponseStarted are skipped, a request is counted once per auditID, denied requests are kept apart.
 * 2. Generation: what the default roles (or given RBAC) already allow is dropped; the rest becomes rules
 *    with only the verbs, namespaces and (when few) names seen. Namespaced rules go into a Role per
 *    namespace, or one shared ClusterRole bound per namespace when several namespaces need the same rules;
 *    a ClusterRoleBinding only for requests made cluster-wide (cluster-scoped objects, all-namespace lists,
 *    non-resource URLs). Every rule carries the requests that caused it.
 * 3. Verification: every used request replayed through the RBAC evaluator against the result.
 */
import { createHash } from 'node:crypto';
import { Document as YamlDocument, isNode, isSeq } from 'yaml';
import { authorizationDenied, effectiveUser, eventAttributes, eventTime, responseCode } from '../audit/attributes.js';
import type { AuditEvent } from '../audit/read-types.js';
import type { RbacObject } from '../model/control-plane.js';
import { authorize, buildIndex, type RbacIndex } from './authorizer.js';
import { splitServiceAccountUsername } from './identity.js';
import { loadRbacFromObjects } from './load.js';
import { describeRequest } from './request.js';
import { ruleAllows } from './rules.js';
import type { PolicyRule, RequestAttributes, UserInfo } from './types.js';

export interface UsageStats {
  count: number;
  /** RFC 3339 times ("" when the events had none) */
  first: string;
  last: string;
  /** up to SAMPLE_IDS auditIDs */
  auditIDs: string[];
}

export interface UsedRequest {
  attributes: RequestAttributes;
  stats: UsageStats;
}

export interface SubjectUsage {
  user: UserInfo;
  /** key: requestKey(attributes) */
  allowed: Map<string, UsedRequest>;
  denied: Map<string, UsedRequest>;
  /** users this subject impersonated (its own requests as the real user carrying Impersonate-User) */
  impersonated: Set<string>;
  events: number;
}

export interface UsageSkips {
  /** events of a stage not asked for (RequestReceived, Panic, ...) */
  stage: number;
  /** a second event of a request already counted (same auditID: ResponseStarted + ResponseComplete, repeated logs) */
  duplicate: number;
  /** 401: no authenticated user */
  unauthenticated: number;
}

export interface Usage {
  subjects: Map<string, SubjectUsage>;
  skipped: UsageSkips;
  /** events of the selected subjects that were used */
  events: number;
}

export interface UsageOptions {
  /** stages to use; default ResponseComplete and ResponseStarted (long-running requests). Events without a stage are always used. */
  stages?: readonly string[];
}

export const DEFAULT_STAGES = ['ResponseComplete', 'ResponseStarted'] as const;
const SAMPLE_IDS = 3;

export function requestKey(a: RequestAttributes): string {
  return a.resourceRequest ? `${a.verb}|${a.apiGroup}|${a.resource}|${a.subresource}|${a.namespace}|${a.name}` : `${a.verb}|${a.path}`;
}

/** Which usernames to collect: exact names, and globs where `*` matches any run of characters. */
export function subjectMatcher(names: readonly string[], globs: readonly string[] = []): (username: string) => boolean {
  const exact = new Set(names);
  const patterns = globs.map((g) => new RegExp(`^${g.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (u) => exact.has(u) || patterns.some((p) => p.test(u));
}

function addStats(s: UsageStats, time: string, auditID: string | undefined): void {
  s.count++;
  if (time && (!s.first || time < s.first)) s.first = time;
  if (time && (!s.last || time > s.last)) s.last = time;
  if (auditID && s.auditIDs.length < SAMPLE_IDS) s.auditIDs.push(auditID);
}

export function mergeStats(into: UsageStats, from: UsageStats): void {
  into.count += from.count;
  if (from.first && (!into.first || from.first < into.first)) into.first = from.first;
  if (from.last && (!into.last || from.last > into.last)) into.last = from.last;
  for (const id of from.auditIDs) if (into.auditIDs.length < SAMPLE_IDS && !into.auditIDs.includes(id)) into.auditIDs.push(id);
}

export function emptyStats(): UsageStats {
  return { count: 0, first: '', last: '', auditIDs: [] };
}

/** A collector to feed events into (`add`), for callers that read the log themselves. */
export function usageCollector(matches: (username: string) => boolean, opts: UsageOptions = {}): { add: (e: AuditEvent) => void; usage: Usage } {
  const stages = new Set<string>(opts.stages ?? DEFAULT_STAGES);
  const usage: Usage = { subjects: new Map(), skipped: { stage: 0, duplicate: 0, unauthenticated: 0 }, events: 0 };
  const seen = new Set<string>();
  const subjectFor = (user: UserInfo): SubjectUsage => {
    let s = usage.subjects.get(user.name);
    if (!s) {
      s = { user, allowed: new Map(), denied: new Map(), impersonated: new Set(), events: 0 };
      usage.subjects.set(user.name, s);
    }
    return s;
  };
  const add = (e: AuditEvent): void => {
    const realName = e.user?.username ?? '';
    const impersonating = e.impersonatedUser?.username;
    const name = impersonating ?? realName;
    const realMatches = impersonating !== undefined && realName !== '' && matches(realName);
    if (!matches(name) && !realMatches) return;
    if (e.stage !== undefined && !stages.has(e.stage)) {
      usage.skipped.stage++;
      return;
    }
    if (responseCode(e) === 401 || !name) {
      usage.skipped.unauthenticated++;
      return;
    }
    if (e.auditID) {
      if (seen.has(e.auditID)) {
        usage.skipped.duplicate++;
        return;
      }
      seen.add(e.auditID);
    }
    if (realMatches && impersonating !== undefined) subjectFor({ name: realName, groups: e.user?.groups ?? [] }).impersonated.add(impersonating);
    if (!matches(name)) return;
    usage.events++;
    const s = subjectFor(effectiveUser(e));
    s.events++;
    const a = eventAttributes(e);
    const key = requestKey(a);
    const into = authorizationDenied(e) ? s.denied : s.allowed;
    let used = into.get(key);
    if (!used) {
      used = { attributes: a, stats: emptyStats() };
      into.set(key, used);
    }
    addStats(used.stats, eventTime(e), e.auditID);
  };
  return { add, usage };
}

/** Folds a stream of event batches (readAuditBatches) into usage per matching subject. */
export async function collectUsage(batches: AsyncIterable<readonly AuditEvent[]>, matches: (username: string) => boolean, opts: UsageOptions = {}): Promise<Usage> {
  const c = usageCollector(matches, opts);
  for await (const batch of batches) for (const e of batch) c.add(e);
  return c.usage;
}

// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (ClusterRoles) and clusterRoleBindings():
// what every authenticated (and, for public-info-viewer, unauthenticated) user may do in a default cluster.
const DEFAULT_GRANTS: RbacObject[] = [
  {
    kind: 'ClusterRole',
    metadata: { name: 'system:discovery' },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }],
  },
  {
    kind: 'ClusterRole',
    metadata: { name: 'system:basic-user' },
    rules: [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      // 1.28+: kubectl auth whoami
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ],
  },
  {
    kind: 'ClusterRole',
    metadata: { name: 'system:public-info-viewer' },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }],
  },
  ...['system:discovery', 'system:basic-user', 'system:public-info-viewer'].map((name) => ({
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
      ...(name === 'system:public-info-viewer' ? [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }] : []),
    ],
  })),
];

/** The default discovery, basic-user and public-info-viewer grants, plus the given RBAC objects. */
export function existingIndex(objects: readonly RbacObject[] = [], opts: { defaults?: boolean } = {}): RbacIndex {
  return buildIndex(loadRbacFromObjects([...(opts.defaults === false ? [] : DEFAULT_GRANTS), ...objects]));
}

export interface GenerateOptions {
  /** grant the verbs audit2rbac adds (list/watch → get,list,watch; update/patch → get,patch,update) */
  expandVerbs?: boolean;
  /** an operation seen in two or more namespaces is granted in every namespace (ClusterRoleBinding) */
  expandNamespaces?: boolean;
  /** never use resourceNames */
  expandNames?: boolean;
  /** at most this many names seen → resourceNames; more → every name (default 5) */
  namesThreshold?: number;
  /** grant what was denied too (the "record while denied, then grant" workflow) */
  includeDenied?: boolean;
  /** already granted: requests these allow are not generated (default: the default roles only) */
  existing?: RbacIndex;
  /** object name prefix (default "kubeward:"); the username follows */
  namePrefix?: string;
}

export interface RuleExplanation extends UsageStats {
  /** the distinct requests behind the rule, as "get pods named x in namespace y" (at most 5) */
  requests: string[];
}

export interface GeneratedRule {
  rule: PolicyRule;
  why: RuleExplanation;
}

export interface GeneratedRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace: string;
  rules: GeneratedRule[];
}

export interface GeneratedBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace: string;
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
}

export interface SubjectRbac {
  user: UserInfo;
  roles: GeneratedRole[];
  bindings: GeneratedBinding[];
  /** distinct requests the existing RBAC already allowed (not generated) */
  alreadyAllowed: number;
  /** denied requests (granted only with includeDenied) */
  denied: UsedRequest[];
  /** permissions audit logs cannot show (escalate, bind, impersonate, approve, use) */
  warnings: string[];
}

const VERB_EXPANSIONS: Record<string, string[]> = { watch: ['get', 'list'], list: ['get', 'watch'], update: ['get', 'patch'], patch: ['get', 'update'] };
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const EXPLAINED_REQUESTS = 5;

/** A label value (≤ 63 characters, alphanumeric at both ends): long names keep a prefix and a hash. */
export function labelValue(s: string): string {
  let v = s.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
  if (v.length > 63) v = `${v.slice(0, 52).replace(/[^A-Za-z0-9]+$/, '')}-${createHash('sha256').update(s).digest('hex').slice(0, 10)}`;
  return v;
}

/** An object name from a username: path-segment safe (no "/" or "%"), at most 253 characters. */
export function objectNameFor(prefix: string, username: string): string {
  const n = `${prefix}${username.replace(/[^A-Za-z0-9:._-]/g, '-')}`;
  return n.length <= 253 ? n : `${n.slice(0, 242)}-${createHash('sha256').update(username).digest('hex').slice(0, 10)}`;
}

interface RuleDraft {
  verbs: Set<string>;
  group: string;
  resource: string;
  names: string[];
  why: UsageStats;
  requests: RequestAttributes[];
}

function explain(stats: UsageStats, requests: readonly RequestAttributes[]): RuleExplanation {
  const unique = [...new Set(requests.map(describeRequest))];
  return { ...stats, auditIDs: [...stats.auditIDs], requests: unique.slice(0, EXPLAINED_REQUESTS).concat(unique.length > EXPLAINED_REQUESTS ? [`… ${unique.length - EXPLAINED_REQUESTS} more`] : []) };
}

function sorted(xs: Iterable<string>): string[] {
  return [...xs].sort();
}

/**
 * Exact compaction (no over-grant): rules on one group and resource with the same names merge their verbs;
 * then rules with the same group, names and verbs merge their resources. The result grants exactly the
 * union of the atomic permissions (a cross product stays a cross product).
 */
function compactResourceRules(drafts: readonly RuleDraft[]): GeneratedRule[] {
  const byResource = new Map<string, RuleDraft>();
  for (const d of drafts) {
    const key = `${d.group}|${d.resource}|${d.names.join(',')}`;
    const into = byResource.get(key);
    if (!into) byResource.set(key, { ...d, verbs: new Set(d.verbs), why: { ...d.why, auditIDs: [...d.why.auditIDs] }, requests: [...d.requests] });
    else {
      for (const v of d.verbs) into.verbs.add(v);
      mergeStats(into.why, d.why);
      into.requests.push(...d.requests);
    }
  }
  const byVerbs = new Map<string, { group: string; names: string[]; verbs: string[]; resources: Set<string>; why: UsageStats; requests: RequestAttributes[] }>();
  for (const d of byResource.values()) {
    const verbs = sorted(d.verbs);
    const key = `${d.group}|${d.names.join(',')}|${verbs.join(',')}`;
    const into = byVerbs.get(key);
    if (!into) byVerbs.set(key, { group: d.group, names: d.names, verbs, resources: new Set([d.resource]), why: d.why, requests: d.requests });
    else {
      into.resources.add(d.resource);
      mergeStats(into.why, d.why);
      into.requests.push(...d.requests);
    }
  }
  const out = [...byVerbs.values()].map((r) => ({
    rule: { apiGroups: [r.group], resources: sorted(r.resources), resourceNames: r.names, verbs: r.verbs, nonResourceURLs: [] },
    why: explain(r.why, r.requests),
  }));
  return out.sort((a, b) => ruleSortKey(a.rule).localeCompare(ruleSortKey(b.rule)));
}

function ruleSortKey(r: PolicyRule): string {
  return `${r.nonResourceURLs.join(',')}|${r.apiGroups.join(',')}|${r.resources.join(',')}|${r.resourceNames.join(',')}|${r.verbs.join(',')}`;
}

/** Drafts without the named ones an unnamed draft on the same resource with at least their verbs covers. */
function withoutCovered(drafts: readonly RuleDraft[]): RuleDraft[] {
  const covers = (u: RuleDraft, d: RuleDraft): boolean => u !== d && u.names.length === 0 && d.names.length > 0 && u.group === d.group && u.resource === d.resource && [...d.verbs].every((v) => u.verbs.has(v));
  return drafts.filter((d) => !drafts.some((u) => covers(u, d)));
}

function verbsFor(verb: string, expand: boolean): string[] {
  return expand ? [verb, ...(VERB_EXPANSIONS[verb] ?? [])] : [verb];
}

/** What audit logs cannot show: permissions checked outside the authorizer's request attributes. */
function unlearnable(used: readonly UsedRequest[], impersonated: ReadonlySet<string>): string[] {
  const warnings: string[] = [];
  const did = (group: string, resources: string[], verbs: string[]): boolean =>
    used.some(({ attributes: a }) => a.resourceRequest && a.apiGroup === group && resources.includes(a.resource) && !a.subresource && verbs.includes(a.verb));
  const writes = ['create', 'update', 'patch'];
  if (did(RBAC_GROUP, ['roles', 'clusterroles'], writes))
    warnings.push('it creates or updates Roles/ClusterRoles: the API server also requires it to hold every permission those roles grant, or the `escalate` verb on them; audit logs do not show which');
  if (did(RBAC_GROUP, ['rolebindings', 'clusterrolebindings'], writes))
    warnings.push('it creates or updates RoleBindings/ClusterRoleBindings: the API server also requires it to hold the referenced role\'s permissions, or the `bind` verb on that role; audit logs do not show which');
  if (impersonated.size > 0)
    warnings.push(`it impersonated ${sorted(impersonated).map((u) => JSON.stringify(u)).join(', ')}: that needs the \`impersonate\` verb on users/groups/serviceaccounts, which is not generated (the events are attributed to the impersonated user)`);
  if (used.some(({ attributes: a }) => a.apiGroup === 'certificates.k8s.io' && a.resource === 'certificatesigningrequests' && (a.subresource === 'approval' || a.subresource === 'status')))
    warnings.push('it approves or signs CertificateSigningRequests: that also needs `approve`/`sign` on signers (certificates.k8s.io/signers, resourceName = the signer name), which audit logs do not show');
  if (did('', ['pods'], ['create']))
    warnings.push('it creates pods: with PodSecurityPolicy admission (Kubernetes ≤ 1.24) it also needs `use` on a PodSecurityPolicy, which audit logs do not show');
  return warnings;
}

/** Generates the roles and bindings one subject needs for what it did. */
export function generateForSubject(s: SubjectUsage, opts: GenerateOptions = {}): SubjectRbac {
  const existing = opts.existing ?? existingIndex();
  const threshold = opts.namesThreshold ?? 5;
  const base = objectNameFor(opts.namePrefix ?? 'kubeward:', s.user.name);
  const used = [...s.allowed.values(), ...(opts.includeDenied ? s.denied.values() : [])];
  let alreadyAllowed = 0;
  const needed: UsedRequest[] = [];
  for (const u of used) {
    if (authorize(existing, s.user, u.attributes).allowed) alreadyAllowed++;
    else needed.push(u);
  }

  // non-resource URLs: one rule per path, verbs merged
  const urls = new Map<string, { verbs: Set<string>; why: UsageStats; requests: RequestAttributes[] }>();
  // resource operations: verb|group|resource(/sub) → scope ("" = cluster-wide) → names ("" = unnamed) with stats
  const ops = new Map<string, { verb: string; group: string; resource: string; scopes: Map<string, Map<string, UsedRequest[]>> }>();
  for (const u of needed) {
    const a = u.attributes;
    if (!a.resourceRequest) {
      let e = urls.get(a.path);
      if (!e) urls.set(a.path, (e = { verbs: new Set(), why: emptyStats(), requests: [] }));
      e.verbs.add(a.verb);
      mergeStats(e.why, u.stats);
      e.requests.push(a);
      continue;
    }
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const opKey = `${a.verb}|${a.apiGroup}|${resource}`;
    let op = ops.get(opKey);
    if (!op) ops.set(opKey, (op = { verb: a.verb, group: a.apiGroup, resource, scopes: new Map() }));
    let names = op.scopes.get(a.namespace);
    if (!names) op.scopes.set(a.namespace, (names = new Map<string, UsedRequest[]>()));
    const list = names.get(a.name);
    if (list) list.push(u);
    else names.set(a.name, [u]);
  }

  const clusterDrafts: RuleDraft[] = [];
  const namespaceDrafts = new Map<string, RuleDraft[]>();
  for (const op of ops.values()) {
    const namespaced = [...op.scopes.keys()].filter((n) => n !== '');
    // --expand-namespaces (audit2rbac): the same operation in two or more namespaces → every namespace. The
    // name is part of "the same operation" unless the names are dropped anyway (too many, or an unnamed request).
    if (opts.expandNamespaces && namespaced.length >= 2) {
      const allNames = new Set(namespaced.flatMap((ns) => [...(op.scopes.get(ns)?.keys() ?? [])]));
      const byName = !(opts.expandNames || allNames.has('') || allNames.size > threshold);
      const spread = new Map<string, number>();
      for (const ns of namespaced) for (const n of op.scopes.get(ns)?.keys() ?? []) spread.set(byName ? n : '', (spread.get(byName ? n : '') ?? 0) + 1);
      const cluster = op.scopes.get('') ?? new Map<string, UsedRequest[]>();
      for (const ns of namespaced) {
        const names = op.scopes.get(ns) ?? new Map<string, UsedRequest[]>();
        for (const [n, list] of names) {
          if ((spread.get(byName ? n : '') ?? 0) < 2) continue;
          cluster.set(n, [...(cluster.get(n) ?? []), ...list]);
          names.delete(n);
        }
        if (names.size === 0) op.scopes.delete(ns);
      }
      if (cluster.size) op.scopes.set('', cluster);
    }
    for (const [scope, names] of op.scopes) {
      const why = emptyStats();
      const requests: RequestAttributes[] = [];
      for (const list of names.values())
        for (const u of list) {
          mergeStats(why, u.stats);
          requests.push(u.attributes);
        }
      const named = [...names.keys()];
      // create has no name for RBAC; an unnamed request (list, watch, deletecollection) needs all names
      const resourceNames = opts.expandNames || named.includes('') || named.length > threshold ? [] : sorted(named);
      const draft: RuleDraft = { verbs: new Set(verbsFor(op.verb, Boolean(opts.expandVerbs))), group: op.group, resource: op.resource, names: resourceNames, why, requests };
      if (scope === '') clusterDrafts.push(draft);
      else {
        const list = namespaceDrafts.get(scope);
        if (list) list.push(draft);
        else namespaceDrafts.set(scope, [draft]);
      }
    }
  }

  const clusterRules = compactResourceRules(withoutCovered(clusterDrafts));
  for (const [path, e] of [...urls].sort((x, y) => x[0].localeCompare(y[0])))
    clusterRules.push({ rule: { nonResourceURLs: [path], verbs: sorted(e.verbs), apiGroups: [], resources: [], resourceNames: [] }, why: explain(e.why, e.requests) });

  // namespaced requests a cluster-wide rule already covers need no Role (audit2rbac: broad requests first)
  const coveredByCluster = (d: RuleDraft, ns: string): boolean =>
    d.requests.every((a) => clusterRules.some((r) => ruleAllows({ ...a, namespace: ns }, r.rule)) && [...d.verbs].every((v) => clusterRules.some((r) => ruleAllows({ ...a, verb: v, namespace: ns }, r.rule))));
  const namespaceRules = new Map<string, GeneratedRule[]>();
  for (const [ns, drafts] of [...namespaceDrafts].sort((x, y) => x[0].localeCompare(y[0]))) {
    const rules = compactResourceRules(withoutCovered(drafts).filter((d) => !coveredByCluster(d, ns)));
    if (rules.length) namespaceRules.set(ns, rules);
  }

  const roles: GeneratedRole[] = [];
  const bindings: GeneratedBinding[] = [];
  if (clusterRules.length) {
    roles.push({ kind: 'ClusterRole', name: base, namespace: '', rules: clusterRules });
    bindings.push({ kind: 'ClusterRoleBinding', name: base, namespace: '', roleRef: { kind: 'ClusterRole', name: base } });
  }
  // namespaces needing identical rules share one ClusterRole, bound by a RoleBinding in each of them
  const byRules = new Map<string, string[]>();
  for (const [ns, rules] of namespaceRules) {
    const key = JSON.stringify(rules.map((r) => r.rule));
    const list = byRules.get(key);
    if (list) list.push(ns);
    else byRules.set(key, [ns]);
  }
  let shared = 0;
  for (const namespaces of byRules.values()) {
    const first = namespaces[0] as string;
    if (namespaces.length === 1) {
      roles.push({ kind: 'Role', name: base, namespace: first, rules: namespaceRules.get(first) ?? [] });
      bindings.push({ kind: 'RoleBinding', name: base, namespace: first, roleRef: { kind: 'Role', name: base } });
      continue;
    }
    shared++;
    const name = `${base}:namespaced${byRules.size > 1 ? `-${shared}` : ''}`;
    // the shared role's explanation covers every namespace using it
    const rules = (namespaceRules.get(first) ?? []).map((r, i) => {
      const why = { ...r.why, auditIDs: [...r.why.auditIDs], requests: [...r.why.requests] };
      for (const ns of namespaces.slice(1)) {
        const other = namespaceRules.get(ns)?.[i];
        if (other) {
          mergeStats(why, other.why);
          for (const q of other.why.requests) if (why.requests.length < EXPLAINED_REQUESTS && !why.requests.includes(q)) why.requests.push(q);
        }
      }
      return { rule: r.rule, why };
    });
    roles.push({ kind: 'ClusterRole', name, namespace: '', rules });
    for (const ns of namespaces) bindings.push({ kind: 'RoleBinding', name: base, namespace: ns, roleRef: { kind: 'ClusterRole', name } });
  }
  return { user: s.user, roles, bindings, alreadyAllowed, denied: [...s.denied.values()], warnings: unlearnable(used, s.impersonated) };
}

export interface GeneratedSet {
  subjects: SubjectRbac[];
}

export function generateRbac(usage: Usage, opts: GenerateOptions = {}): GeneratedSet {
  const existing = opts.existing ?? existingIndex();
  const subjects = [...usage.subjects.values()]
    .filter((s) => s.allowed.size > 0 || s.denied.size > 0 || s.impersonated.size > 0)
    .sort((a, b) => a.user.name.localeCompare(b.user.name))
    .map((s) => generateForSubject(s, { ...opts, existing }));
  return { subjects };
}

export interface ObjectOptions {
  /** put each rule's explanation into an annotation (JSON output has no comments) */
  explanationAnnotations?: boolean;
}

export const GENERATED_LABEL = 'kubeward.io/generated';
export const SUBJECT_LABEL = 'kubeward.io/subject';
export const SUBJECT_ANNOTATION = 'kubeward.io/subject';
export const EXPLANATION_ANNOTATION = 'kubeward.io/rule-explanations';

function subjectOf(username: string): Record<string, string> {
  const sa = splitServiceAccountUsername(username);
  return sa ? { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace } : { kind: 'User', apiGroup: RBAC_GROUP, name: username };
}

function ruleObject(r: PolicyRule): Record<string, string[]> {
  if (r.nonResourceURLs.length) return { nonResourceURLs: r.nonResourceURLs, verbs: r.verbs };
  const o: Record<string, string[]> = { apiGroups: r.apiGroups, resources: r.resources };
  if (r.resourceNames.length) o.resourceNames = r.resourceNames;
  o.verbs = r.verbs;
  return o;
}

/** The Kubernetes objects (rbac.authorization.k8s.io/v1): ClusterRoles, Roles, ClusterRoleBindings, RoleBindings. */
export function toObjects(set: GeneratedSet, opts: ObjectOptions = {}): RbacObject[] {
  const roles: RbacObject[] = [];
  const bindings: RbacObject[] = [];
  for (const s of set.subjects) {
    const labels = { [GENERATED_LABEL]: 'true', [SUBJECT_LABEL]: labelValue(s.user.name) };
    const meta = (name: string, namespace: string, extra: Record<string, string> = {}) => ({
      name,
      ...(namespace ? { namespace } : {}),
      labels,
      annotations: { [SUBJECT_ANNOTATION]: s.user.name, ...extra },
    });
    for (const r of s.roles) {
      const extra: Record<string, string> = opts.explanationAnnotations ? { [EXPLANATION_ANNOTATION]: JSON.stringify(r.rules.map((x) => x.why)) } : {};
      roles.push({ apiVersion: `${RBAC_GROUP}/v1`, kind: r.kind, metadata: meta(r.name, r.namespace, extra), rules: r.rules.map((x) => ruleObject(x.rule)) });
    }
    for (const b of s.bindings)
      bindings.push({
        apiVersion: `${RBAC_GROUP}/v1`,
        kind: b.kind,
        metadata: meta(b.name, b.namespace),
        roleRef: { apiGroup: RBAC_GROUP, kind: b.roleRef.kind, name: b.roleRef.name },
        subjects: [subjectOf(s.user.name)],
      });
  }
  const order = ['ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];
  const rank = (o: RbacObject): number => order.indexOf(o.kind);
  return [...roles, ...bindings].sort((a, b) => rank(a) - rank(b));
}

/** One line per explanation: "12 requests 2026-…Z … 2026-…Z; auditIDs a, b; get pods in namespace x". */
export function describeExplanation(w: RuleExplanation): string {
  const when = w.first ? (w.first === w.last ? ` at ${w.first}` : ` from ${w.first} to ${w.last}`) : '';
  const ids = w.auditIDs.length ? `; auditIDs ${w.auditIDs.join(', ')}` : '';
  return `${w.count} request${w.count === 1 ? '' : 's'}${when}${ids}: ${w.requests.join('; ')}`;
}

export interface VerifyResult {
  subject: string;
  checked: number;
  allowed: number;
  /** requests the generated RBAC (with the existing RBAC) does not allow */
  failures: RequestAttributes[];
}

/**
 * Replays every used request of each subject through the RBAC evaluator against the generated objects
 * plus the existing RBAC: a correct generation allows 100%.
 */
export function verifyGenerated(usage: Usage, set: GeneratedSet, existingObjects: readonly RbacObject[] = [], opts: { includeDenied?: boolean; defaults?: boolean } = {}): VerifyResult[] {
  const index = existingIndex([...existingObjects, ...toObjects(set)], { defaults: opts.defaults !== false });
  return set.subjects.map((g) => {
    const s = usage.subjects.get(g.user.name);
    const used = s ? [...s.allowed.values(), ...(opts.includeDenied ? s.denied.values() : [])] : [];
    const failures = used.filter((u) => !authorize(index, g.user, u.attributes).allowed).map((u) => u.attributes);
    return { subject: g.user.name, checked: used.length, allowed: used.length - failures.length, failures };
  });
}

export type OutputFormat = 'yaml' | 'json';

/** One generated object as text; YAML carries each rule's explanation as a comment above it. */
function renderOne(o: RbacObject, explanations: readonly RuleExplanation[] | undefined, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(o, null, 2)}\n`;
  const doc = new YamlDocument(o);
  const rules = doc.get('rules', true);
  if (explanations && isSeq(rules)) rules.items.forEach((item, i) => {
    const w = explanations[i];
    if (w && isNode(item)) item.commentBefore = ` ${describeExplanation(w)}`;
  });
  return doc.toString({ lineWidth: 0 });
}

function explanationsByObject(set: GeneratedSet): Map<string, RuleExplanation[]> {
  const m = new Map<string, RuleExplanation[]>();
  for (const s of set.subjects) for (const r of s.roles) m.set(`${r.kind}/${r.namespace}/${r.name}`, r.rules.map((x) => x.why));
  return m;
}

function objectKey(o: RbacObject): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** All generated objects as one text: multi-document YAML with comments, or a JSON `v1` List with explanation annotations. */
export function renderGenerated(set: GeneratedSet, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: toObjects(set, { explanationAnnotations: true }) }, null, 2)}\n`;
  const why = explanationsByObject(set);
  return toObjects(set)
    .map((o) => renderOne(o, why.get(objectKey(o)), format))
    .join('---\n');
}

/** One file per object: "<kind>[-<namespace>]-<name>.<yaml|json>" with characters unsafe in file names replaced. */
export function renderGeneratedFiles(set: GeneratedSet, format: OutputFormat): { file: string; text: string }[] {
  const why = explanationsByObject(set);
  return toObjects(set, { explanationAnnotations: format === 'json' }).map((o) => {
    const parts = [o.kind.toLowerCase(), o.metadata?.namespace, o.metadata?.name].filter((x): x is string => Boolean(x));
    return { file: `${parts.join('-').replace(/[^A-Za-z0-9._-]/g, '_')}.${format}`, text: renderOne(o, why.get(objectKey(o)), format) };
  });
}
