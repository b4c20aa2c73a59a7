/**
 * Rule matching exactly as the RBAC authorizer does it.
 * pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches, NonResourceURLMatches) and plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows).
 * Every comparison is exact and case-sensitive; the only patterns are `*`, `*` + `/<subresource>` and a
 * trailing `*` on a non-resource URL.
 */
import type { PolicyRule, RequestAttributes } from './types.js';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === '*' || g === group);
}

// `combined` is "resource" or "resource/subresource"; a "*/sub" entry matches only a request with exactly that subresource.
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources) {
    if (r === '*' || r === combined) return true;
    if (subresource.length > 0 && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/** An empty resourceNames list matches every name, including "". */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(name);
}

/** `*`, the exact path, or a raw string prefix when the entry ends in `*` (trailing `*`s trimmed). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** "resource" or "resource/subresource", the form ResourceMatches compares against */
export function combinedResource(a: RequestAttributes): string {
  return a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
}

// plugin/pkg/auth/authorizer/rbac/rbac.go: RuleAllows. `combined` is combinedResource(a), passed in so a
// caller testing many rules computes it once.
export function ruleAllows(a: RequestAttributes, rule: PolicyRule, combined = combinedResource(a)): boolean {
  if (a.resourceRequest) {
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

/** Semantic equality of two rules' fields (equality.Semantic.DeepEqual: order matters, nil and empty lists are equal). */
export function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  const eq = (x: string[], y: string[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.verbs, b.verbs) && eq(a.apiGroups, b.apiGroups) && eq(a.resources, b.resources) && eq(a.resourceNames, b.resourceNames) && eq(a.nonResourceURLs, b.nonResourceURLs);
}

/** A compact one-line form of a rule (after rbacv1helpers.CompactString). */
export function describeRule(r: PolicyRule): string {
  const parts: string[] = [];
  const q = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
  if (r.apiGroups.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.nonResourceURLs.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  if (r.resourceNames.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * A rule prepared for many decisions: each list becomes a set, `*` a flag, `*`+`/sub` entries a set of
 * subresources, trailing-`*` URLs a list of prefixes. compiledAllows(compileRule(r), a) equals
 * ruleAllows(a, r) for every request (the tests check this on random rules and requests).
 */
export interface CompiledRule {
  rule: PolicyRule;
  anyVerb: boolean;
  verbs: ReadonlySet<string>;
  anyGroup: boolean;
  groups: ReadonlySet<string>;
  anyResource: boolean;
  resources: ReadonlySet<string>;
  /** "sub" for each "*" + "/sub" entry */
  anyResourceSubresources: ReadonlySet<string>;
  /** undefined: any name */
  names: ReadonlySet<string> | undefined;
  urls: ReadonlySet<string>;
  urlPrefixes: readonly string[];
}

export function compileRule(rule: PolicyRule): CompiledRule {
  return {
    rule,
    anyVerb: rule.verbs.includes('*'),
    verbs: new Set(rule.verbs),
    anyGroup: rule.apiGroups.includes('*'),
    groups: new Set(rule.apiGroups),
    anyResource: rule.resources.includes('*'),
    resources: new Set(rule.resources),
    anyResourceSubresources: new Set(rule.resources.filter((r) => r.startsWith('*/')).map((r) => r.slice(2))),
    names: rule.resourceNames.length ? new Set(rule.resourceNames) : undefined,
    urls: new Set(rule.nonResourceURLs),
    // "*" itself trims to "" and so matches every path, as NonResourceURLMatches does
    urlPrefixes: rule.nonResourceURLs.filter((u) => u.endsWith('*')).map((u) => u.replace(/\*+$/, '')),
  };
}

export function compiledAllows(c: CompiledRule, a: RequestAttributes, combined: string): boolean {
  if (!c.anyVerb && !c.verbs.has(a.verb)) return false;
  if (a.resourceRequest) {
    return (
      (c.anyGroup || c.groups.has(a.apiGroup)) &&
      (c.anyResource || c.resources.has(combined) || (a.subresource.length > 0 && c.anyResourceSubresources.has(a.subresource))) &&
      (c.names === undefined || c.names.has(a.name))
    );
  }
  if (c.urls.has(a.path)) return true;
  for (const p of c.urlPrefixes) if (a.path.startsWith(p)) return true;
  return false;
}

/**
 * A role's rules prepared for decisions: besides each compiled rule, the indices of the rules that can
 * match a resource request, keyed by each `resources` entry ("pods", "pods/log", "*", "*" + "/log"), so a
 * decision looks at the few rules that name its resource instead of all of them.
 */
export interface CompiledRole {
  rules: readonly CompiledRule[];
  byResource: ReadonlyMap<string, readonly number[]>;
  /** rules with nonResourceURLs */
  nonResource: readonly number[];
}

export function compileRole(rules: readonly PolicyRule[]): CompiledRole {
  const byResource = new Map<string, number[]>();
  const nonResource: number[] = [];
  rules.forEach((rule, i) => {
    for (const r of new Set(rule.resources)) {
      const list = byResource.get(r);
      if (list) list.push(i);
      else byResource.set(r, [i]);
    }
    if (rule.nonResourceURLs.length) nonResource.push(i);
  });
  return { rules: rules.map(compileRule), byResource, nonResource };
}

// top-level helpers, not closures: this is the hot path of every decision
function lowestAllowing(role: CompiledRole, candidates: readonly number[] | undefined, a: RequestAttributes, combined: string, best: number): number {
  if (candidates === undefined) return best;
  for (const i of candidates) {
    if ((best < 0 || i < best) && compiledAllows(role.rules[i] as CompiledRule, a, combined)) best = i;
  }
  return best;
}

/** The index of a rule of the role that allows the request, or -1 (lowest index among the candidates). */
export function roleAllows(role: CompiledRole, a: RequestAttributes, combined: string): number {
  if (!a.resourceRequest) return lowestAllowing(role, role.nonResource, a, combined, -1);
  let best = lowestAllowing(role, role.byResource.get(combined), a, combined, -1);
  best = lowestAllowing(role, role.byResource.get('*'), a, combined, best);
  if (a.subresource) best = lowestAllowing(role, role.byResource.get(`*/${a.subresource}`), a, combined, best);
  return best;
}
