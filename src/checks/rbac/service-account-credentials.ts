import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue } from '../../model/effective.js';

export default defineCheck({
  id: 'rbac/service-account-credentials',
  practice: 'rbac',
  severity: 'medium',
  cis: ['1.3.3'],
  title: 'Controllers share the controller-manager identity',
  why: 'Without --use-service-account-credentials (default false) every controller acts as system:kube-controller-manager, whose RBAC role is the union of what all controllers need; per-controller service accounts let RBAC scope each controller to its own job and make audit logs say which controller did what.',
  remediation: 'Set --use-service-account-credentials=true on kube-controller-manager (kubeadm does).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles'],
  reads: 'kube-controller-manager --use-service-account-credentials (default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-controller-manager')) {
      const e = flag(cp, c, 'use-service-account-credentials');
      if (!isTrue(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: e.explicit ? `set to ${e.value}` : 'unset (default false)' });
    }
  },
});
