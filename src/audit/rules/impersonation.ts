import { authorized, defineRule } from './rule.js';

/** No Falco rule reads impersonatedUser (audit.md §4): every impersonated request is reported. */
export default defineRule({
  id: 'audit/impersonation',
  severity: 'medium',
  title: 'Request made through impersonation',
  description: 'The caller acted as another user or group (Impersonate-User/Impersonate-Group). Impersonation lets one identity borrow another\'s permissions and hides who acted in any log that reads only the effective user.',
  remediation: 'Confirm the impersonation was intended; grant `impersonate` only to break-glass admins and only on named users (resourceNames).',
  mitre: { id: 'T1134', name: 'Access Token Manipulation' },
  needsLevel: 'Metadata',
  // the impersonatedUser field
  prefilter: [['impersonatedUser']],
  fields: (e) => e.facts.impersonated,
  initState: () => undefined,
  match(e) {
    const as = e.impersonatedUser;
    if (!as) return undefined;
    const groups = as.groups?.length ? ` (groups ${as.groups.join(', ')})` : '';
    const who = `${e.user?.username ?? '?'} acting as ${as.username ?? '?'}${groups}`;
    return authorized(e) ? { detail: who } : { severity: 'low', detail: `${who}; the impersonated request was denied` };
  },
});
