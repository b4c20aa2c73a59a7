import { isControlPlane, authorized, defineRule } from './rule.js';

/**
 * Falco's "K8s Secret Get" rules see only `get`; a list or watch returns every Secret's data at once
 * (audit.md §4 gaps). Fires on list/watch of Secrets across all namespaces or in kube-system, and on a
 * get in kube-system (controller tokens live there), by anyone but the control plane and trusted admins.
 */
export default defineRule({
  id: 'audit/secrets-read',
  severity: 'high',
  title: 'Secrets read in bulk or from kube-system',
  description: 'A list or watch of Secrets in every namespace or in kube-system, or a get of a kube-system Secret, by an identity outside the control plane: credential harvesting. A denied attempt is reconnaissance.',
  remediation: 'Check who this identity is and why it reads Secrets; remove list/watch on secrets from its roles (prefer resourceNames for get); rotate the Secrets if the read succeeded.',
  mitre: { id: 'T1552.007', name: 'Unsecured Credentials: Container API' },
  needsLevel: 'Metadata',
  // objectRef.resource, and a list or watch (the verb), or kube-system (the namespace)
  prefilter: [
    ['secrets', 'list'],
    ['secrets', 'watch'],
    ['secrets', 'kube-system'],
  ],
  fields: (e) => e.resource === 'secrets' && e.facts.subresource === '' && (e.verb === 'list' || e.verb === 'watch' || e.verb === 'get'),
  initState: () => undefined,
  match(e, _s, shared) {
    const o = e.objectRef;
    if (!o || o.resource !== 'secrets' || (o.apiGroup ?? '') !== '' || o.subresource) return undefined;
    const ns = o.namespace ?? '';
    const bulk = e.verb === 'list' || e.verb === 'watch';
    if (!(bulk && (ns === '' || ns === 'kube-system')) && !(e.verb === 'get' && ns === 'kube-system')) return undefined;
    if (isControlPlane(e) || shared.trusted(e)) return undefined;
    const what = e.verb === 'get' ? `get of kube-system/${o.name ?? '?'}` : `${e.verb} of Secrets ${ns ? 'in kube-system' : 'in all namespaces'}`;
    return authorized(e) ? { detail: `${what} allowed` } : { severity: 'medium', detail: `${what} denied (attempt)` };
  },
});
