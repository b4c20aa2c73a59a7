/**
 * The RBAC authorizer with the privileged-group layer in front, over an index for speed.
 * Semantics: plugin/pkg/auth/authorizer/rbac/rbac.go (Authorize: first allowing rule wins, otherwise no
 * opinion with resolution errors as the reason), pkg/registry/rbac/validation/rule.go (VisitRulesFor:
 * ClusterRoleBindings always, RoleBindings of the request namespace only when it is non-empty;
 * appliesToUser; GetRoleReferenceRules: a Role is looked up in the binding's namespace, a missing role
 * is an error that is skipped), and staging/src/k8s.io/apiserver/pkg/authorization/authorizerfactory/
 * builtin.go (privilegedGroupAuthorizer: system:masters is allowed everything before RBAC runs).
 */
import { MASTERS, serviceAccountUsername } from './identity.js';
import { combinedResource, compileRole, roleAllows, type CompiledRole } from './rules.js';
import type { Binding, RbacPolicy, RequestAttributes, Role, SourcedRule, Subject, UserInfo } from './types.js';

/** One subject of one binding, with the rules its roleRef resolves to (none, and an error, when the role is missing). */
export interface Grant {
  binding: Binding;
  subject: Subject;
  subjectIndex: number;
  role: Role | undefined;
  rules: readonly SourcedRule[];
  /** the same rules, prepared for matching */
  compiled: CompiledRole;
  error?: string;
}

/** A binding with its roleRef resolved once, for who-can and risk scans. */
export interface ResolvedBinding {
  binding: Binding;
  role: Role | undefined;
  error?: string;
}

interface SubjectIndex {
  /** user names, including service-account user names */
  byUser: Map<string, Grant[]>;
  byGroup: Map<string, Grant[]>;
}

export interface RbacIndex {
  policy: RbacPolicy;
  clusterRoles: Map<string, Role>;
  /** key "namespace/name" */
  roles: Map<string, Role>;
  cluster: SubjectIndex;
  namespaces: Map<string, SubjectIndex>;
  clusterRoleBindings: ResolvedBinding[];
  roleBindingsByNamespace: Map<string, ResolvedBinding[]>;
  /** every role's rules prepared for matching (cached) */
  compiledRole: (role: Role) => CompiledRole;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

// pkg/registry/rbac/validation/rule.go: GetRoleReferenceRules
export function resolveRoleRef(index: Pick<RbacIndex, 'clusterRoles' | 'roles'>, binding: Binding): { role?: Role; error?: string } {
  const { kind, name } = binding.roleRef;
  if (kind === 'ClusterRole') {
    const role = index.clusterRoles.get(name);
    return role ? { role } : { error: `clusterrole.rbac.authorization.k8s.io "${name}" not found` };
  }
  if (kind === 'Role') {
    // a ClusterRoleBinding cannot reference a Role: with namespace "" the lookup fails
    const role = binding.namespace ? index.roles.get(`${binding.namespace}/${name}`) : undefined;
    return role ? { role } : { error: `role.rbac.authorization.k8s.io "${name}" not found` };
  }
  return { error: `unsupported role reference kind: "${kind}"` };
}

/** The user name a ServiceAccount subject stands for, or undefined when it can never match (no namespace to use). */
export function subjectServiceAccountUser(subject: Subject, bindingNamespace: string): string | undefined {
  const ns = subject.namespace || bindingNamespace;
  return ns ? serviceAccountUsername(ns, subject.name) : undefined;
}

function addGrant(idx: SubjectIndex, g: Grant): void {
  switch (g.subject.kind) {
    case 'User':
      push(idx.byUser, g.subject.name, g);
      break;
    case 'Group':
      push(idx.byGroup, g.subject.name, g);
      break;
    case 'ServiceAccount': {
      const user = subjectServiceAccountUser(g.subject, g.binding.namespace);
      if (user !== undefined) push(idx.byUser, user, g);
      break;
    }
    default:
    // appliesToUser: any other kind never applies
  }
}

export function buildIndex(policy: RbacPolicy): RbacIndex {
  const compiled = new Map<Role, CompiledRole>();
  const compiledRole = (role: Role): CompiledRole => {
    let c = compiled.get(role);
    if (!c) {
      c = compileRole(role.rules);
      compiled.set(role, c);
    }
    return c;
  };
  const emptyRole = compileRole([]);
  const index: RbacIndex = {
    policy,
    clusterRoles: new Map(policy.clusterRoles.map((r) => [r.name, r])),
    roles: new Map(policy.roles.map((r) => [`${r.namespace}/${r.name}`, r])),
    cluster: { byUser: new Map(), byGroup: new Map() },
    namespaces: new Map(),
    clusterRoleBindings: [],
    roleBindingsByNamespace: new Map(),
    compiledRole,
  };
  const resolve = (binding: Binding): ResolvedBinding => {
    const { role, error } = resolveRoleRef(index, binding);
    return error === undefined ? { binding, role } : { binding, role, error };
  };
  const grantsOf = (r: ResolvedBinding): Grant[] =>
    r.binding.subjects.map((subject, subjectIndex) => {
      const g: Grant = { binding: r.binding, subject, subjectIndex, role: r.role, rules: r.role?.rules ?? [], compiled: r.role ? compiledRole(r.role) : emptyRole };
      if (r.error !== undefined) g.error = r.error;
      return g;
    });
  for (const b of policy.clusterRoleBindings) {
    const r = resolve(b);
    index.clusterRoleBindings.push(r);
    for (const g of grantsOf(r)) addGrant(index.cluster, g);
  }
  for (const b of policy.roleBindings) {
    const r = resolve(b);
    push(index.roleBindingsByNamespace, b.namespace, r);
    let idx = index.namespaces.get(b.namespace);
    if (!idx) {
      idx = { byUser: new Map(), byGroup: new Map() };
      index.namespaces.set(b.namespace, idx);
    }
    for (const g of grantsOf(r)) addGrant(idx, g);
  }
  return index;
}

export interface Decision {
  allowed: boolean;
  /** who decided: the privileged group in front of RBAC, or RBAC */
  by?: 'system:masters' | 'rbac';
  /** the binding subject, role and rule that allowed it */
  grant?: Grant;
  ruleIndex?: number;
  rule?: SourcedRule;
  /** role-resolution errors met on the way (a missing role never denies; it just grants nothing) */
  errors: string[];
}

/** The grants that apply to a user for a request namespace, in VisitRulesFor order (cluster first). */
export function applicableGrants(index: RbacIndex, user: UserInfo, namespace: string): Grant[] {
  const out: Grant[] = [];
  const from = (idx: SubjectIndex | undefined): void => {
    if (!idx) return;
    const byUser = idx.byUser.get(user.name);
    if (byUser) out.push(...byUser);
    for (const g of user.groups) {
      const byGroup = idx.byGroup.get(g);
      if (byGroup) out.push(...byGroup);
    }
  };
  from(index.cluster);
  if (namespace) from(index.namespaces.get(namespace));
  return out;
}

function firstAllowed(grants: readonly Grant[] | undefined, a: RequestAttributes, combined: string): Decision | undefined {
  if (!grants) return undefined;
  for (const g of grants) {
    const i = roleAllows(g.compiled, a, combined);
    if (i >= 0) return { allowed: true, by: 'rbac', grant: g, ruleIndex: i, rule: g.rules[i] as SourcedRule, errors: [] };
  }
  return undefined;
}

function addErrors(grants: readonly Grant[] | undefined, out: string[]): void {
  if (grants) for (const g of grants) if (g.error !== undefined && !out.includes(g.error)) out.push(g.error);
}

function allowedIn(idx: SubjectIndex | undefined, user: UserInfo, a: RequestAttributes, combined: string): Decision | undefined {
  if (!idx) return undefined;
  const d = firstAllowed(idx.byUser.get(user.name), a, combined);
  if (d) return d;
  for (const group of user.groups) {
    const dg = firstAllowed(idx.byGroup.get(group), a, combined);
    if (dg) return dg;
  }
  return undefined;
}

/** RBAC alone (RBACAuthorizer.Authorize): allowed, or no opinion with the role-resolution errors met. */
export function rbacAuthorize(index: RbacIndex, user: UserInfo, a: RequestAttributes): Decision {
  const combined = combinedResource(a);
  // VisitRulesFor order: ClusterRoleBindings, then RoleBindings of the request namespace
  const namespaced = a.namespace ? index.namespaces.get(a.namespace) : undefined;
  const d = allowedIn(index.cluster, user, a, combined) ?? allowedIn(namespaced, user, a, combined);
  if (d) return d;
  // no rule allowed: report the missing roles met on the way
  const errors: string[] = [];
  for (const idx of [index.cluster, namespaced]) {
    if (!idx) continue;
    addErrors(idx.byUser.get(user.name), errors);
    for (const group of user.groups) addErrors(idx.byGroup.get(group), errors);
  }
  return { allowed: false, errors };
}

/** What the API server's authorizer chain decides with the privileged-group layer and RBAC (no Node authorizer, no webhook). */
export function authorize(index: RbacIndex, user: UserInfo, a: RequestAttributes): Decision {
  if (user.groups.includes(MASTERS)) return { allowed: true, by: 'system:masters', errors: [] };
  return rbacAuthorize(index, user, a);
}
