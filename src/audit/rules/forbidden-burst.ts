import { authorizationDenied } from '../attributes.js';
import { BurstCounter, defineRule, eventMillis, isControlPlane } from './rule.js';

const THRESHOLD = 20;
const WINDOW_MS = 10_000;

/**
 * Many authorization denials for one identity in a short time: enumeration of what a stolen credential
 * can do, or a destructive script running into RBAC (audit.md §4 gaps). Counted once per request
 * (ResponseComplete or a stage-less event). Controllers are skipped: they get 403s while caches sync.
 */
export default defineRule({
  id: 'audit/forbidden-burst',
  severity: 'medium',
  title: 'Burst of denied requests from one identity',
  description: `At least ${THRESHOLD} requests denied by the authorizer (HTTP 403) for one identity within ${WINDOW_MS / 1000} s.`,
  remediation: 'Look at what the identity tried; if the requests are not its normal job, its credential may be in the wrong hands: revoke it.',
  mitre: { id: 'T1613', name: 'Container and Resource Discovery' },
  needsLevel: 'Metadata',
  // HTTP 403 or the forbid decision
  prefilter: [[403], ['forbid']],
  // authorizationDenied: the decision when logged, else the code
  fields: (e) => e.facts.decision === 'forbid' || e.code === 403,
  initState: () => new BurstCounter(THRESHOLD, WINDOW_MS),
  match(e, counter) {
    if ((e.stage !== undefined && e.stage !== 'ResponseComplete') || !authorizationDenied(e) || isControlPlane(e)) return undefined;
    const user = e.user?.username ?? '';
    const n = counter.hit(user, eventMillis(e));
    return n ? { detail: `${n} denied requests by ${user} within ${WINDOW_MS / 1000} s` } : undefined;
  },
});
