import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, hostOf, kubeletSetting } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/kubelet-authorization-mode',
  practice: 'authn',
  severity: 'critical',
  cis: ['4.2.2'],
  title: 'Kubelet authorizes every request (AlwaysAllow)',
  why: 'With AlwaysAllow the kubelet lets any authenticated caller (and anonymous ones, if allowed) exec into containers, read logs and list pods, without asking the API server; RBAC on nodes/proxy and friends is bypassed. AlwaysAllow is the default for a kubelet run without a config file; with a config file the default is Webhook, which kube-bench 4.2.2 fails anyway when the field is omitted.',
  remediation: 'Set authorization.mode: Webhook in the kubelet config file (or --authorization-mode=Webhook) so the kubelet asks the API server (SubjectAccessReview) for each request.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/#kubelet-authorization'],
  reads: 'kubelet --authorization-mode / authorization.mode (default Webhook with --config, AlwaysAllow without)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'authorization-mode', field: 'authorization.mode' });
      if (e.value === 'AlwaysAllow') report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: e.explicit ? 'set to AlwaysAllow' : 'unset: a kubelet without --config defaults to AlwaysAllow' });
    }
  },
});
