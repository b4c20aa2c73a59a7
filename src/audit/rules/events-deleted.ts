import { authorized, BurstCounter, defineRule, eventMillis, isControlPlane } from './rule.js';

const WINDOW_MS = 10 * 60_000;

/**
 * Deleting Events erases the record of what happened in a namespace (audit.md §4 gaps). `kubectl delete
 * events --all` is one list and one DELETE per Event: reported once per identity and namespace per
 * 10 minutes (a burst counter with threshold 1).
 */
export default defineRule({
  id: 'audit/events-deleted',
  severity: 'high',
  title: 'Events deleted',
  description: 'An identity outside the control plane deleted Event objects (core or events.k8s.io): a way to hide crash loops, scheduling on odd nodes or failed mounts.',
  remediation: 'Find out why; remove delete on events from roles that do not need it. The audit log keeps the requests even when the Events are gone.',
  mitre: { id: 'T1070', name: 'Indicator Removal' },
  needsLevel: 'Metadata',
  // the resource, and "delete" in delete/deletecollection
  prefilter: [['events', 'delete']],
  fields: (e) => e.resource === 'events' && e.facts.subresource === '' && (e.verb === 'delete' || e.verb === 'deletecollection'),
  initState: () => new BurstCounter(1, WINDOW_MS),
  match(e, counter) {
    const o = e.objectRef;
    if (!o || o.resource !== 'events' || o.subresource || (e.verb !== 'delete' && e.verb !== 'deletecollection') || isControlPlane(e)) return undefined;
    if (!counter.hit(`${e.user?.username ?? ''}\u0000${o.namespace ?? ''}`, eventMillis(e))) return undefined;
    const what = `${e.verb} of Events in ${o.namespace || 'all namespaces'}`;
    return authorized(e) ? { detail: `${what} (further deletions in the next 10 minutes not repeated)` } : { severity: 'medium', detail: `${what} denied (attempt; further ones in the next 10 minutes not repeated)` };
  },
});
