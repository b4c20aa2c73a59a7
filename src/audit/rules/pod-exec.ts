import { authorized, defineRule } from './rule.js';

const INTERACTIVE = new Set(['exec', 'attach', 'ephemeralcontainers']);

/**
 * Falco's "Attach/Exec Pod" and "EphemeralContainers Created": a shell or a debug container in a pod.
 * Matches every verb (kubectl 1.30+ opens exec with a websocket GET), once per request.
 */
export default defineRule({
  id: 'audit/pod-exec',
  severity: 'high',
  title: 'Command run in a pod (exec, attach, debug container)',
  description: 'pods/exec, pods/attach or pods/ephemeralcontainers: interactive access inside a workload, where its service-account token and mounted secrets are readable.',
  remediation: 'Confirm the session was expected; restrict pods/exec and pods/attach to break-glass roles.',
  mitre: { id: 'T1609', name: 'Container Administration Command' },
  needsLevel: 'Metadata',
  // resource and subresource
  prefilter: [
    ['pods', 'exec'],
    ['pods', 'attach'],
    ['pods', 'ephemeralcontainers'],
  ],
  fields: (e) => e.resource === 'pods' && INTERACTIVE.has(e.facts.subresource),
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.resource !== 'pods' || !INTERACTIVE.has(o.subresource ?? '') || (o.apiGroup ?? '') !== '') return undefined;
    if (o.subresource === 'ephemeralcontainers' && e.verb === 'get') return undefined;
    const what = `${o.subresource ?? ''} into ${o.namespace ?? ''}/${o.name ?? '?'}`;
    return authorized(e) ? { detail: what } : { severity: 'medium', detail: `${what} denied (attempt)` };
  },
});
