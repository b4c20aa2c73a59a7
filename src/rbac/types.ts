/**
 * Typed RBAC objects (rbac.authorization.k8s.io/v1) as the engine uses them, each with where it was read.
 * Field meanings follow k8s.io/api/rbac/v1/types.go; absent lists are empty lists here.
 */
import type { Location } from '../model/control-plane.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** A rule with its own position, so a decision can cite the line that allowed it. */
export interface SourcedRule extends PolicyRule {
  at: Location;
  /** for a rule an aggregated ClusterRole received: the ClusterRole it came from */
  aggregatedFrom?: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export interface Role {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** "" for a ClusterRole */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  rules: SourcedRule[];
  /** ClusterRole only; present (even with no selectors) when the object has an aggregationRule */
  aggregationRule?: { clusterRoleSelectors: LabelSelector[] };
  at: Location;
}

export interface Subject {
  kind: string;
  name: string;
  /** "" when absent */
  namespace: string;
  apiGroup: string;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup: string;
}

export interface Binding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** "" for a ClusterRoleBinding */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  roleRef: RoleRef;
  subjects: Subject[];
  at: Location;
}

export interface ServiceAccount {
  namespace: string;
  name: string;
  annotations: Record<string, string>;
  at: Location;
}

/** Everything the engine knows about one cluster's RBAC. ClusterRoles already carry their aggregated rules. */
export interface RbacPolicy {
  roles: Role[];
  clusterRoles: Role[];
  roleBindings: Binding[];
  clusterRoleBindings: Binding[];
  serviceAccounts: ServiceAccount[];
  /** things a reader should know (duplicate names, defaulted namespaces, aggregation that did not converge) */
  warnings: string[];
}

/** The authenticated user as the authorizer sees it (k8s.io/apiserver/pkg/authentication/user.Info, without extra/uid). */
export interface UserInfo {
  name: string;
  groups: string[];
}

/**
 * Authorization attributes (k8s.io/apiserver/pkg/authorization/authorizer.AttributesRecord).
 * For a non-resource request only verb and path matter.
 */
export interface RequestAttributes {
  resourceRequest: boolean;
  verb: string;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

export function resourceRequest(a: Partial<Omit<RequestAttributes, 'resourceRequest' | 'path'>> & { verb: string; resource: string }): RequestAttributes {
  return { resourceRequest: true, namespace: '', apiGroup: '', subresource: '', name: '', path: '', ...a };
}

export function nonResourceRequest(verb: string, path: string): RequestAttributes {
  return { resourceRequest: false, verb, path, namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
}

/** "ClusterRole/admin", "Role kube-system/foo", "ClusterRoleBinding/x", "RoleBinding ns/x" */
export function describeObject(o: { kind: string; namespace: string; name: string }): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

/** "file:line", the API object, or "" */
export function describeLocation(at: Location): string {
  if (at.file) return at.line !== undefined ? `${at.file}:${at.line}` : at.file;
  return at.object ?? '';
}
