/**
 * Where a resource's objects live in etcd (checks.md §D.4): `<prefix>/<resource>/...` for built-in
 * types (without the group), with the historical exceptions of nodes, services and endpoints, and
 * `<prefix>/<group>/<plural>/...` for custom resources. Resources are named as in an
 * EncryptionConfiguration: "secrets", "configmaps", "<plural>.<group>".
 */

/** Built-in API groups whose objects are stored without the group segment (pkg/kubeapiserver/default_storage_factory_builder.go). */
const BUILT_IN_GROUPS = new Set([
  'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io',
  'coordination.k8s.io', 'certificates.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io',
  'apiregistration.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io', 'extensions',
]);

const CORE_EXCEPTIONS: Record<string, string> = { nodes: 'minions', services: 'services/specs', endpoints: 'services/endpoints' };

export interface ResourceName {
  /** plural, e.g. "secrets" */
  resource: string;
  /** "" for the core group */
  group: string;
}

export function parseResourceName(name: string): ResourceName {
  const dot = name.indexOf('.');
  return dot < 0 ? { resource: name, group: '' } : { resource: name.slice(0, dot), group: name.slice(dot + 1) };
}

/** The etcd key prefix (with a trailing '/') under which every object of `name` is stored. */
export function etcdPrefixFor(name: string, prefix = '/registry'): string {
  const { resource, group } = parseResourceName(name);
  const base = prefix.replace(/\/+$/, '');
  if (!group) return `${base}/${CORE_EXCEPTIONS[resource] ?? resource}/`;
  if (BUILT_IN_GROUPS.has(group)) return `${base}/${resource}/`;
  return `${base}/${group}/${resource}/`;
}
