/**
 * Builders that mirror the helpers of Kubernetes' own RBAC tests, so their cases can be ported as data
 * (plugin/pkg/auth/authorizer/rbac/rbac_test.go: newRule, newClusterRole, newRoleBinding, ...).
 */
import type { Location } from '../../src/model/control-plane.js';
import type { Binding, PolicyRule, RbacPolicy, Role, SourcedRule, Subject } from '../../src/rbac/types.js';

const at: Location = { kind: 'api', object: 'test' };

/** newRule("get,list", "", "pods", "") — each field split on "," exactly as strings.Split does ("" → [""]) */
export function newRule(verbs: string, apiGroups: string, resources: string, nonResourceURLs: string): SourcedRule {
  return { verbs: verbs.split(','), apiGroups: apiGroups.split(','), resources: resources.split(','), resourceNames: [], nonResourceURLs: nonResourceURLs.split(','), at };
}

export function rule(r: Partial<PolicyRule>): SourcedRule {
  return { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [], ...r, at };
}

export function clusterRole(name: string, rules: SourcedRule[], labels: Record<string, string> = {}): Role {
  return { kind: 'ClusterRole', name, namespace: '', labels, annotations: {}, rules, at };
}

export function role(namespace: string, name: string, rules: SourcedRule[]): Role {
  return { kind: 'Role', name, namespace, labels: {}, annotations: {}, rules, at };
}

/** "User:alice", "Group:admins", "ServiceAccount:ns:name" or "ServiceAccount::name" (no namespace) */
function subjects(specs: string[]): Subject[] {
  return specs.map((s) => {
    const [kind = '', ...rest] = s.split(':');
    if (kind === 'ServiceAccount' && rest.length === 2) return { kind, namespace: rest[0] ?? '', name: rest[1] ?? '', apiGroup: '' };
    return { kind, name: rest.join(':'), namespace: '', apiGroup: kind === 'ServiceAccount' ? '' : 'rbac.authorization.k8s.io' };
  });
}

let seq = 0;
export function clusterRoleBinding(roleName: string, ...subjectSpecs: string[]): Binding {
  return { kind: 'ClusterRoleBinding', name: `crb-${seq++}`, namespace: '', labels: {}, annotations: {}, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects: subjects(subjectSpecs), at };
}

export function roleBinding(namespace: string, roleName: string, refKind: 'Role' | 'ClusterRole', ...subjectSpecs: string[]): Binding {
  return { kind: 'RoleBinding', name: `rb-${seq++}`, namespace, labels: {}, annotations: {}, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: refKind, name: roleName }, subjects: subjects(subjectSpecs), at };
}

export function policy(p: Partial<RbacPolicy>): RbacPolicy {
  return { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [], warnings: [], ...p };
}
