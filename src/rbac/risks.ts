/**
 * Finding risky grants: which bindings give their subjects a capability, decided by the authorizer's own
 * rule matching (rules.ts) on probe requests rather than by comparing strings, so `*` verbs, `*`
 * resources, `*`/subresource forms and resourceNames count exactly as the API server counts them
 * (the divergences of rbac-police, KubiScan and krane listed in spec §1.11 do not apply).
 */
import { resolveRoleRef, subjectServiceAccountUser, type RbacIndex } from './authorizer.js';
import { BUILTIN_RESOURCES } from './resources.js';
import { combinedResource, ruleAllows } from './rules.js';
import type { Binding, RequestAttributes, Role, SourcedRule, Subject } from './types.js';

/** A verb, group, resource or subresource no real request uses: only a `*` in the rule matches it. */
export const ANY = '\u0000any';

export interface Probe {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  /** ask about this object name (for a RoleBinding: "@namespace" means the binding's own namespace) */
  name?: string;
}

export interface ProbeHit {
  probe: Probe;
  rule: SourcedRule;
  ruleIndex: number;
  /** the rule only allows these names (empty: any name) */
  names: string[];
}

export interface RiskyGrant {
  binding: Binding;
  role: Role;
  /** subjects that can match (ServiceAccount namespaces filled in from the binding) */
  subjects: Subject[];
  /** "" for a ClusterRoleBinding (cluster-wide), else the RoleBinding's namespace */
  namespace: string;
  /** which alternative of the capability matched, and the rule for each of its probes */
  alternative: number;
  hits: ProbeHit[];
  /** some hit is limited to resourceNames */
  limited: boolean;
}

const clusterScoped = new Set(BUILTIN_RESOURCES.filter((r) => !r.namespaced).map((r) => `${r.group}/${r.name}`));

function probeAttributes(p: Probe, namespace: string, name: string): RequestAttributes {
  return { resourceRequest: true, verb: p.verb, namespace, apiGroup: p.apiGroup, resource: p.resource, subresource: p.subresource ?? '', name, path: '' };
}

/** The best rule of a role for one probe: one without resourceNames if any, else a name-limited one. */
function hitFor(role: Role, p: Probe, namespace: string): ProbeHit | undefined {
  // a RoleBinding only grants namespaced requests (and get/patch of its own Namespace object)
  if (namespace && clusterScoped.has(`${p.apiGroup}/${p.resource}`) && p.name !== '@namespace') return undefined;
  const fixedName = p.name === '@namespace' ? namespace : (p.name ?? '');
  let limited: ProbeHit | undefined;
  for (let i = 0; i < role.rules.length; i++) {
    const rule = role.rules[i] as SourcedRule;
    if (fixedName || rule.resourceNames.length === 0) {
      const a = probeAttributes(p, namespace, fixedName);
      // a probe that names its object asks about exactly the dangerous one: allowing it is not "limited"
      if (ruleAllows(a, rule, combinedResource(a))) return { probe: p, rule, ruleIndex: i, names: [] };
    } else if (!limited) {
      const name = rule.resourceNames[0] ?? '';
      const a = probeAttributes(p, namespace, name);
      if (ruleAllows(a, rule, combinedResource(a))) limited = { probe: p, rule, ruleIndex: i, names: rule.resourceNames };
    }
  }
  return limited;
}

export function bindingSubjects(b: Binding): Subject[] {
  return b.subjects.flatMap((s) => {
    if (s.kind === 'ServiceAccount') return subjectServiceAccountUser(s, b.namespace) === undefined ? [] : [{ ...s, namespace: s.namespace || b.namespace }];
    return s.kind === 'User' || s.kind === 'Group' ? [s] : [];
  });
}

/**
 * Every binding whose role satisfies one of the alternatives (each a list of probes that must all be
 * allowed at the binding's scope). One result per binding, for the first alternative that holds.
 */
export function riskyGrants(index: RbacIndex, alternatives: readonly (readonly Probe[])[]): RiskyGrant[] {
  const out: RiskyGrant[] = [];
  for (const binding of [...index.policy.clusterRoleBindings, ...index.policy.roleBindings]) {
    const { role } = resolveRoleRef(index, binding);
    if (!role) continue;
    const subjects = bindingSubjects(binding);
    if (subjects.length === 0) continue;
    for (let alt = 0; alt < alternatives.length; alt++) {
      const hits: ProbeHit[] = [];
      for (const p of alternatives[alt] ?? []) {
        const hit = hitFor(role, p, binding.namespace);
        if (!hit) break;
        hits.push(hit);
      }
      if (hits.length === (alternatives[alt] ?? []).length && hits.length > 0) {
        out.push({ binding, role, subjects, namespace: binding.namespace, alternative: alt, hits, limited: hits.some((h) => h.names.length > 0) });
        break;
      }
    }
  }
  return out;
}

/** Full authority: every verb on every resource of every group (what cluster-admin holds). */
export const FULL_POWER: Probe = { verb: ANY, apiGroup: ANY, resource: ANY };

/**
 * "Priv NS" of spec §3.6: kube-system plus the namespaces of service accounts that hold full authority
 * cluster-wide (whoever runs a pod there can become them).
 */
export function privilegedNamespaces(index: RbacIndex): Set<string> {
  const out = new Set(['kube-system']);
  for (const g of riskyGrants(index, [[FULL_POWER]])) {
    if (g.namespace) continue;
    for (const s of g.subjects) if (s.kind === 'ServiceAccount') out.add(s.namespace);
  }
  return out;
}
