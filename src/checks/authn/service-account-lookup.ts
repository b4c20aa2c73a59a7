import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isFalse } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/service-account-lookup',
  practice: 'authn',
  severity: 'medium',
  cis: ['1.2.21'],
  title: 'Service-account tokens stay valid after their account is deleted',
  why: 'With --service-account-lookup=false the API server trusts a legacy service-account token by its signature alone: deleting the ServiceAccount or its token Secret does not revoke it. The default (true) is safe; only an explicit false is a finding.',
  remediation: 'Remove --service-account-lookup=false (the default is true).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/'],
  reads: 'kube-apiserver --service-account-lookup (default true)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const e = flag(cp, c, 'service-account-lookup');
      if (isFalse(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e) });
    }
  },
});
