import { defineRule, isControlPlane, list, rec, succeeded } from './rule.js';

const POWERFUL_VERBS = new Set(['escalate', 'bind', 'impersonate']);

/**
 * A Role or ClusterRole that grants escalate, bind or impersonate, or any verb on everything: the
 * grants that let a holder raise its own privileges (audit.md §4 gaps; Falco checks only `*` on create).
 */
export default defineRule({
  id: 'audit/rbac-escalate-bind',
  severity: 'high',
  title: 'Role granting escalate, bind, impersonate or wildcards written',
  description: 'A Role or ClusterRole was created, updated or patched with rules that grant escalate, bind or impersonate, or `*` verbs on `*` resources: whoever is bound to it can grant itself anything.',
  remediation: 'Remove those verbs from the role unless it belongs to an approved admin; bind it to nobody else.',
  mitre: { id: 'T1098.006', name: 'Account Manipulation: Additional Container Cluster Roles' },
  needsLevel: 'Request',
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.apiGroup !== 'rbac.authorization.k8s.io' || (o.resource !== 'roles' && o.resource !== 'clusterroles') || o.subresource) return undefined;
    if ((e.verb !== 'create' && e.verb !== 'update' && e.verb !== 'patch') || isControlPlane(e) || !succeeded(e)) return undefined;
    const grants = new Set<string>();
    for (const r of list(rec(e.requestObject)?.rules)) {
      const rule = rec(r);
      const verbs = list(rule?.verbs).map(String);
      const resources = list(rule?.resources).map(String);
      for (const v of verbs) if (POWERFUL_VERBS.has(v)) grants.add(v);
      if (verbs.includes('*') && resources.includes('*')) grants.add('* on *');
    }
    if (grants.size === 0) return undefined;
    return { detail: `${e.verb} of ${o.resource === 'roles' ? `Role ${o.namespace ?? ''}/` : 'ClusterRole '}${o.name ?? '?'} granting ${[...grants].join(', ')}` };
  },
});
