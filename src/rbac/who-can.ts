/**
 * Who can do a request: every binding subject whose role has a rule allowing it, with the rule. Roles are
 * tested once each (cached per query), then the bindings referring to them are listed, so a query costs
 * one pass over the roles in scope plus one over the bindings in scope.
 */
import { MASTERS } from './identity.js';
import { subjectServiceAccountUser, type RbacIndex, type ResolvedBinding } from './authorizer.js';
import { combinedResource, roleAllows } from './rules.js';
import type { Binding, RequestAttributes, Role, SourcedRule, Subject } from './types.js';

export interface WhoCanEntry {
  subject: Subject;
  binding: Binding;
  role: Role;
  ruleIndex: number;
  rule: SourcedRule;
}

export interface WhoCanResult {
  /** groups allowed before RBAC runs (system:masters) */
  privilegedGroups: string[];
  entries: WhoCanEntry[];
  /** bindings in scope whose role is missing */
  danglingBindings: { binding: Binding; error: string }[];
}

export interface WhoCanOptions {
  /** RoleBindings of every namespace, each answering for its own namespace (kubectl who-can -A) */
  allNamespaces?: boolean;
}

export function whoCan(index: RbacIndex, a: RequestAttributes, opts: WhoCanOptions = {}): WhoCanResult {
  const combined = combinedResource(a);
  const allowing = new Map<Role, number>();
  const firstAllowing = (role: Role): number => {
    let i = allowing.get(role);
    if (i === undefined) {
      i = roleAllows(index.compiledRole(role), a, combined);
      allowing.set(role, i);
    }
    return i;
  };
  const result: WhoCanResult = { privilegedGroups: [MASTERS], entries: [], danglingBindings: [] };
  const visit = ({ binding: b, role, error }: ResolvedBinding): void => {
    if (!role) {
      result.danglingBindings.push({ binding: b, error: error ?? '' });
      return;
    }
    const i = firstAllowing(role);
    if (i < 0) return;
    const rule = role.rules[i] as SourcedRule;
    for (const s of b.subjects) {
      if (s.kind === 'ServiceAccount') {
        // appliesToUser: the SA namespace defaults to the binding's; without one it never matches
        if (subjectServiceAccountUser(s, b.namespace) === undefined) continue;
        result.entries.push({ subject: { ...s, namespace: s.namespace || b.namespace }, binding: b, role, ruleIndex: i, rule });
      } else if (s.kind === 'User' || s.kind === 'Group') {
        result.entries.push({ subject: s, binding: b, role, ruleIndex: i, rule });
      }
    }
  };
  for (const b of index.clusterRoleBindings) visit(b);
  if (opts.allNamespaces) {
    // each RoleBinding answers for requests in its own namespace
    for (const bs of index.roleBindingsByNamespace.values()) for (const b of bs) visit(b);
  } else if (a.namespace) {
    for (const b of index.roleBindingsByNamespace.get(a.namespace) ?? []) visit(b);
  }
  return result;
}
