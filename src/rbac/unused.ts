/**
 * Rightsizing: for each subject bound by name (User or ServiceAccount), which granted rules no request
 * of the audit-log window needed, and the least-privilege RBAC it could have instead (generate.ts).
 * A rule counts as used when it allows at least one request the subject made, within the binding's scope
 * (a RoleBinding only for requests in its namespace), with the exact RBAC matching of rules.ts.
 */
import type { RbacIndex } from './authorizer.js';
import { subjectServiceAccountUser } from './authorizer.js';
import { generateForSubject, existingIndex, type GenerateOptions, type SubjectRbac, type SubjectUsage, type Usage, type UsedRequest } from './generate.js';
import { impersonatedUser } from './identity.js';
import { combinedResource, ruleAllows } from './rules.js';
import type { Binding, Role, SourcedRule, UserInfo } from './types.js';

export interface RuleUse {
  index: number;
  rule: SourcedRule;
  /** distinct requests of the subject this rule allows */
  requests: number;
  /** "verb resource" (or "verb URL") pairs the rule grants by name that no request used; wildcards are not expanded */
  unusedPairs: string[];
}

export interface GrantUse {
  binding: Binding;
  /** undefined when the roleRef does not resolve */
  role: Role | undefined;
  rules: RuleUse[];
}

export interface SubjectRightsizing {
  user: UserInfo;
  /** whether the subject appears in the log at all */
  seen: boolean;
  /** distinct allowed requests in the log */
  requests: number;
  grants: GrantUse[];
  unusedRules: number;
  /** rules used for some but not all of the verb/resource pairs they name */
  partlyUsedRules: number;
  totalRules: number;
  /** what it needs, from the log (undefined when it made no request) */
  tightened?: SubjectRbac;
}

/** Usernames bound by name (User subjects, ServiceAccount subjects as system:serviceaccount:ns:name). */
function boundUsernames(index: RbacIndex): Map<string, Binding[]> {
  const out = new Map<string, Binding[]>();
  const add = (name: string, b: Binding): void => {
    const list = out.get(name);
    if (!list) out.set(name, [b]);
    else if (!list.includes(b)) list.push(b);
  };
  for (const b of [...index.policy.clusterRoleBindings, ...index.policy.roleBindings])
    for (const s of b.subjects) {
      if (s.kind === 'User') add(s.name, b);
      else if (s.kind === 'ServiceAccount') {
        const u = subjectServiceAccountUser(s, b.namespace);
        if (u !== undefined) add(u, b);
      }
    }
  return out;
}

function ruleUse(rule: SourcedRule, index: number, binding: Binding, used: readonly UsedRequest[]): RuleUse {
  let requests = 0;
  const usedPairs = new Set<string>();
  for (const { attributes: a } of used) {
    // a RoleBinding grants only in its namespace, and never cluster-scoped requests
    if (binding.kind === 'RoleBinding' && a.namespace !== binding.namespace) continue;
    const combined = combinedResource(a);
    if (!ruleAllows(a, rule, combined)) continue;
    requests++;
    usedPairs.add(`${a.verb} ${a.resourceRequest ? combined : a.path}`);
  }
  const targets = rule.nonResourceURLs.length ? rule.nonResourceURLs : rule.resources;
  const unusedPairs: string[] = [];
  for (const v of rule.verbs) {
    if (v === '*') continue;
    for (const t of targets) if (!t.includes('*') && !usedPairs.has(`${v} ${t}`)) unusedPairs.push(`${v} ${t}`);
  }
  return { index, rule, requests, unusedPairs };
}

export interface RightsizeOptions {
  /** only these usernames (default: every subject bound by name) */
  matches?: (username: string) => boolean;
  generate?: GenerateOptions;
}

export function rightsize(index: RbacIndex, usage: Usage, opts: RightsizeOptions = {}): SubjectRightsizing[] {
  const defaults = opts.generate?.existing ?? existingIndex();
  const out: SubjectRightsizing[] = [];
  for (const [name, bindings] of [...boundUsernames(index)].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (opts.matches && !opts.matches(name)) continue;
    const s: SubjectUsage | undefined = usage.subjects.get(name);
    const used = s ? [...s.allowed.values()] : [];
    const grants = bindings.map((binding): GrantUse => {
      const role = binding.kind === 'ClusterRoleBinding' || binding.roleRef.kind === 'ClusterRole' ? index.clusterRoles.get(binding.roleRef.name) : index.roles.get(`${binding.namespace}/${binding.roleRef.name}`);
      return { binding, role, rules: (role?.rules ?? []).map((r, i) => ruleUse(r, i, binding, used)) };
    });
    const totalRules = grants.reduce((n, g) => n + g.rules.length, 0);
    const unusedRules = grants.reduce((n, g) => n + g.rules.filter((r) => r.requests === 0).length, 0);
    const partlyUsedRules = grants.reduce((n, g) => n + g.rules.filter((r) => r.requests > 0 && r.unusedPairs.length > 0).length, 0);
    const r: SubjectRightsizing = { user: s?.user ?? impersonatedUser(name), seen: s !== undefined, requests: used.length, grants, unusedRules, partlyUsedRules, totalRules };
    if (s && used.length > 0) r.tightened = generateForSubject(s, { ...opts.generate, existing: defaults });
    out.push(r);
  }
  return out;
}
