import { authorized, defineRule, isControlPlane } from './rule.js';

/** nodes/proxy reaches the kubelet API (exec in any pod of the node) through the API server (audit.md §4 gaps). */
export default defineRule({
  id: 'audit/nodes-proxy',
  severity: 'high',
  title: 'Kubelet API reached through nodes/proxy',
  description: 'A request on the nodes/proxy subresource: the kubelet API through the API server, which allows running commands in every pod on the node and bypasses pods/exec auditing.',
  remediation: 'Grant nodes/proxy to nobody but monitoring that truly needs it (prefer /metrics on the kubelet directly with its own credentials).',
  mitre: { id: 'T1609', name: 'Container Administration Command' },
  needsLevel: 'Metadata',
  // resource and subresource
  prefilter: [['nodes', 'proxy']],
  fields: (e) => e.resource === 'nodes' && e.facts.subresource === 'proxy',
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.resource !== 'nodes' || o.subresource !== 'proxy' || isControlPlane(e)) return undefined;
    const what = `${e.verb} nodes/${o.name ?? '?'}/proxy`;
    return authorized(e) ? { detail: what } : { severity: 'medium', detail: `${what} denied (attempt)` };
  },
});
