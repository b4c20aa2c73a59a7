import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isFalse } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/service-account-token-expiration',
  practice: 'authn',
  severity: 'low',
  cis: ['1.2.30'],
  title: 'Projected service-account tokens get an extended lifetime',
  why: 'With --service-account-extend-token-expiration (default true) the tokens injected into pods are issued valid for up to a year while the pod is told they expire within the hour; a token stolen from a pod stays usable long after the pod is gone.',
  remediation: 'Set --service-account-extend-token-expiration=false once workloads use client libraries that reload projected tokens (client-go ≥ 0.15, and the other official clients).',
  references: ['https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/'],
  reads: 'kube-apiserver --service-account-extend-token-expiration (default true)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const e = flag(cp, c, 'service-account-extend-token-expiration');
      if (!isFalse(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: e.explicit ? `set to ${e.value}` : 'unset (default true)' });
    }
  },
});
