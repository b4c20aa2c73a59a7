import { authorized, CHANGE_VERBS, defineRule, list, rec, succeeded, text } from './rule.js';

/**
 * Falco's "Attach to cluster-admin Role" sees only the create of a ClusterRoleBinding; a RoleBinding to
 * cluster-admin and an update or patch of an existing binding grant the same (audit.md §4 gaps).
 * Needs the body (Request level): the roleRef is read from requestObject, else responseObject.
 */
export default defineRule({
  id: 'audit/cluster-admin-binding',
  severity: 'critical',
  title: 'Binding to cluster-admin created or changed',
  description: 'A RoleBinding or ClusterRoleBinding whose roleRef is the cluster-admin ClusterRole was created, updated or patched: its subjects get full control of the cluster (or of the namespace).',
  remediation: 'Remove the binding unless it is an approved break-glass grant; find out how the caller obtained bind/escalate or write access to RBAC.',
  mitre: { id: 'T1098.006', name: 'Account Manipulation: Additional Container Cluster Roles' },
  needsLevel: 'Request',
  // roleRef.name and objectRef.apiGroup
  prefilter: [['cluster-admin', 'rbac.authorization.k8s.io']],
  fields: (e) => e.facts.apiGroup === 'rbac.authorization.k8s.io' && (e.resource === 'clusterrolebindings' || e.resource === 'rolebindings') && e.facts.subresource === '' && CHANGE_VERBS.has(e.verb),
  initState: () => undefined,
  match(e, _s, shared) {
    const o = e.objectRef;
    if (!o || o.apiGroup !== 'rbac.authorization.k8s.io' || (o.resource !== 'clusterrolebindings' && o.resource !== 'rolebindings') || o.subresource) return undefined;
    if (!CHANGE_VERBS.has(e.verb)) return undefined;
    const body = rec(e.requestObject);
    const roleRef = rec(body?.roleRef) ?? rec(rec(e.responseObject)?.roleRef);
    if (roleRef?.name !== 'cluster-admin') return undefined;
    const subjects = list(body?.subjects ?? rec(e.responseObject)?.subjects)
      .map((s) => rec(s))
      .filter((s): s is Record<string, unknown> => s !== undefined);
    const names = subjects.map((s) => `${text(s.kind)}:${text(s.namespace) ? `${text(s.namespace)}/` : ''}${text(s.name)}`);
    const binding = `${o.resource === 'rolebindings' ? `RoleBinding ${o.namespace ?? ''}/` : 'ClusterRoleBinding '}${o.name ?? (text(rec(body?.metadata)?.name) || '?')}`;
    if (!authorized(e) || !succeeded(e)) return { severity: 'high', detail: `${e.verb} of ${binding} → cluster-admin for ${names.join(', ') || '?'} was refused (attempt)` };
    for (const s of subjects) if (s.kind === 'ServiceAccount') shared.powerfulServiceAccounts.add(`${text(s.namespace)}/${text(s.name)}`);
    return { detail: `${e.verb} of ${binding} → cluster-admin for ${names.join(', ') || '?'}` };
  },
});
