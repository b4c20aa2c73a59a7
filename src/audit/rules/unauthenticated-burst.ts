import { responseCode } from '../attributes.js';
import { BurstCounter, defineRule, eventMillis } from './rule.js';

const THRESHOLD = 3;
const WINDOW_MS = 60_000;

/**
 * Rejected credentials (401) from one client (source IP + user agent): scanning, forged or stolen-and-
 * revoked tokens (audit.md §4 gaps). Kubernetes logs a 401 once, at ResponseStarted, with an empty user.
 */
export default defineRule({
  id: 'audit/unauthenticated-burst',
  severity: 'medium',
  title: 'Repeated authentication failures from one client',
  description: `At least ${THRESHOLD} requests with missing, forged or expired credentials (HTTP 401) from one source IP and user agent within ${WINDOW_MS / 1000} s.`,
  remediation: 'Find the client at that address: a scanner, a forged or revoked token, or a misconfigured component; block it at the network if it is not yours.',
  mitre: { id: 'T1110', name: 'Brute Force' },
  needsLevel: 'Metadata',
  // the status code
  prefilter: [[401]],
  // responseCode: responseStatus.code
  fields: (e) => e.code === 401,
  initState: () => new BurstCounter(THRESHOLD, WINDOW_MS),
  match(e, counter) {
    if (responseCode(e) !== 401) return undefined;
    const ip = e.sourceIPs?.at(-1) ?? '?';
    const n = counter.hit(`${ip}\u0000${e.userAgent ?? ''}`, eventMillis(e));
    return n ? { detail: `${n} rejected requests from ${ip} (${e.userAgent ?? 'no user agent'}) within ${WINDOW_MS / 1000} s` } : undefined;
  },
});
