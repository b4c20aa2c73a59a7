import { stripQuery } from '../attributes.js';
import { authorized, defineRule } from './rule.js';

const PROBES = /^\/(healthz|livez|readyz|version)(\/|$)/;

/** Falco's "Anonymous Request Allowed", with the group too (a token authenticator can map to it). */
export default defineRule({
  id: 'audit/anonymous-allowed',
  severity: 'high',
  title: 'Anonymous request allowed',
  description: 'A request by system:anonymous (or the system:unauthenticated group) was authorized, other than health probes and /version: RBAC grants something to unauthenticated callers.',
  remediation: 'Set --anonymous-auth=false (or limit it to health endpoints with the authentication configuration) and remove bindings to system:anonymous and system:unauthenticated.',
  mitre: { id: 'T1078.001', name: 'Valid Accounts: Default Accounts' },
  needsLevel: 'Metadata',
  // the username or the group
  prefilter: [['system:anonymous'], ['system:unauthenticated']],
  // (impersonatedUser ?? user): an impersonated request is judged on the impersonated user's fields
  fields: (e) => e.facts.impersonated || e.user === 'system:anonymous' || e.facts.unauthenticatedGroup,
  initState: () => undefined,
  match(e) {
    const u = e.impersonatedUser ?? e.user;
    if (u?.username !== 'system:anonymous' && !(u?.groups ?? []).includes('system:unauthenticated')) return undefined;
    const path = stripQuery(e.requestURI ?? '');
    if (PROBES.test(path) || !authorized(e)) return undefined;
    return { detail: `${e.verb} ${path} by ${u?.username ?? 'an unauthenticated caller'} allowed` };
  },
});
