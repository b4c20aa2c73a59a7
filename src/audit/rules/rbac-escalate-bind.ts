import { CHANGE_VERBS, defineRule, isControlPlane, list, rec, succeeded } from './rule.js';

const POWERFUL_VERBS = new Set(['escalate', 'bind', 'impersonate']);

/**
 * A Role or ClusterRole that grants escalate, bind or impersonate, exec, or wildcards: the grants that
 * let a holder raise its own privileges (audit.md §4 gaps; Falco checks `*` and pods/exec on create only).
 */
export default defineRule({
  id: 'audit/rbac-escalate-bind',
  severity: 'high',
  title: 'Role granting escalate, bind, impersonate, exec or wildcards written',
  description: 'A Role or ClusterRole was created, updated or patched with rules that grant escalate, bind or impersonate (whoever is bound can grant itself anything), pods/exec or attach, or wildcards (`*` verbs, resources or API groups, which also cover every future resource).',
  remediation: 'Remove those verbs from the role unless it belongs to an approved admin; bind it to nobody else.',
  mitre: { id: 'T1098.006', name: 'Account Manipulation: Additional Container Cluster Roles' },
  needsLevel: 'Request',
  // apiGroup, and "roles" in roles/clusterroles
  prefilter: [['rbac.authorization.k8s.io', 'roles']],
  fields: (e) => e.facts.apiGroup === 'rbac.authorization.k8s.io' && (e.resource === 'roles' || e.resource === 'clusterroles') && e.facts.subresource === '' && CHANGE_VERBS.has(e.verb),
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.apiGroup !== 'rbac.authorization.k8s.io' || (o.resource !== 'roles' && o.resource !== 'clusterroles') || o.subresource) return undefined;
    if (!CHANGE_VERBS.has(e.verb) || isControlPlane(e) || !succeeded(e)) return undefined;
    const grants = new Set<string>();
    for (const r of list(rec(e.requestObject)?.rules)) {
      const rule = rec(r);
      const verbs = list(rule?.verbs).map(String);
      const resources = list(rule?.resources).map(String);
      const groups = list(rule?.apiGroups).map(String);
      for (const v of verbs) if (POWERFUL_VERBS.has(v)) grants.add(v);
      // Falco's "ClusterRole With Wildcard" (verbs or resources) and "With Pod Exec", plus `*` apiGroups.
      if (verbs.includes('*')) grants.add('all verbs (*)');
      if (resources.includes('*')) grants.add('all resources (*)');
      if (groups.includes('*')) grants.add('all API groups (*)');
      for (const r of resources) if (r === 'pods/exec' || r === 'pods/attach' || r === 'pods/*') grants.add(r);
    }
    if (grants.size === 0) return undefined;
    return { detail: `${e.verb} of ${o.resource === 'roles' ? `Role ${o.namespace ?? ''}/` : 'ClusterRole '}${o.name ?? '?'} granting ${[...grants].join(', ')}` };
  },
});
