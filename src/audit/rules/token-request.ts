import { defineRule, isControlPlane, succeeded } from './rule.js';

/**
 * TokenRequest (create serviceaccounts/token) mints a bearer token (audit.md §4 gaps). Powerful service
 * accounts: those in kube-system (controller identities) and those bound to cluster-admin earlier in the
 * stream. Kubelets requesting pod tokens are the control plane and not reported.
 */
export default defineRule({
  id: 'audit/token-request',
  severity: 'high',
  title: 'Token minted for a powerful service account',
  description: 'A TokenRequest created a token for a kube-system service account or one bound to cluster-admin: whoever holds the token holds those permissions, outside any pod.',
  remediation: 'Find out who needed this token; delete the service account or its binding if it is not expected, and shorten token lifetimes.',
  mitre: { id: 'T1528', name: 'Steal Application Access Token' },
  needsLevel: 'Metadata',
  // resource and subresource
  prefilter: [['serviceaccounts', 'token']],
  fields: (e) => e.resource === 'serviceaccounts' && e.facts.subresource === 'token' && e.verb === 'create',
  initState: () => undefined,
  match(e, _s, shared) {
    const o = e.objectRef;
    if (!o || o.resource !== 'serviceaccounts' || o.subresource !== 'token' || e.verb !== 'create' || isControlPlane(e)) return undefined;
    const sa = `${o.namespace ?? ''}/${o.name ?? ''}`;
    const why = o.namespace === 'kube-system' ? 'a kube-system service account' : shared.powerfulServiceAccounts.has(sa) ? 'bound to cluster-admin' : undefined;
    if (!why) return undefined;
    return succeeded(e) ? { detail: `token for ${sa} (${why})` } : { severity: 'medium', detail: `token for ${sa} (${why}) refused (attempt)` };
  },
});
