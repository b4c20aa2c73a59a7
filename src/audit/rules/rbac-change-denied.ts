import { authorized, defineRule, isControlPlane, WRITE_VERBS } from './rule.js';

/**
 * A write to RBAC objects refused by the authorizer. The body of a denied request is never decoded, so
 * the roleRef is unknown; the attempt itself is the signal (an identity probing for privilege).
 */
export default defineRule({
  id: 'audit/rbac-change-denied',
  severity: 'medium',
  title: 'Denied attempt to change RBAC',
  description: 'An identity outside the control plane tried to create, change or delete a Role, ClusterRole or binding and was refused: an attempt to grant itself more access.',
  remediation: 'Find out why this identity tries to write RBAC; if its credentials may be stolen, revoke them.',
  mitre: { id: 'T1098.006', name: 'Account Manipulation: Additional Container Cluster Roles' },
  needsLevel: 'Metadata',
  // apiGroup, and a denial: 401, 403 or the forbid decision
  prefilter: [
    ['rbac.authorization.k8s.io', 401],
    ['rbac.authorization.k8s.io', 403],
    ['rbac.authorization.k8s.io', 'forbid'],
  ],
  fields: (e) => e.facts.apiGroup === 'rbac.authorization.k8s.io' && WRITE_VERBS.has(e.verb),
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.apiGroup !== 'rbac.authorization.k8s.io' || !WRITE_VERBS.has(e.verb) || authorized(e) || isControlPlane(e)) return undefined;
    return { detail: `${e.verb} ${o.resource ?? '?'}${o.name ? ` ${o.name}` : ''}${o.namespace ? ` in ${o.namespace}` : ''} denied` };
  },
});
