import { authorized, defineRule } from './rule.js';

/** Falco's "port-forward" fires on every stage; here once per request (the detector dedupes by auditID). */
export default defineRule({
  id: 'audit/pod-portforward',
  severity: 'medium',
  title: 'Port-forward into a pod',
  description: 'pods/portforward opens a tunnel from the caller to a port inside a pod, past network policies and service exposure.',
  remediation: 'Confirm the tunnel was expected; restrict pods/portforward to developers of that namespace.',
  mitre: { id: 'T1572', name: 'Protocol Tunneling' },
  needsLevel: 'Metadata',
  // resource and subresource
  prefilter: [['pods', 'portforward']],
  fields: (e) => e.resource === 'pods' && e.facts.subresource === 'portforward',
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.resource !== 'pods' || o.subresource !== 'portforward') return undefined;
    const what = `port-forward to ${o.namespace ?? ''}/${o.name ?? '?'}`;
    return authorized(e) ? { detail: what } : { severity: 'low', detail: `${what} denied (attempt)` };
  },
});
