import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, hostOf, isFalse, kubeletSetting } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/kubelet-anonymous-auth',
  practice: 'authn',
  severity: 'high',
  cis: ['4.2.1'],
  title: 'Kubelet accepts anonymous requests',
  why: 'The kubelet API on port 10250 can list pods, read logs and, through exec/run, execute commands in any container on the node. With anonymous authentication on, requests without credentials reach it as system:anonymous; with AlwaysAllow authorization that is remote code execution on every node. The default differs: true for a kubelet run with flags only, false with a config file. kube-bench fails a config file that simply omits the field, which is already secure.',
  remediation: 'Set authentication.anonymous.enabled: false in the kubelet config file (or --anonymous-auth=false) and restart the kubelet.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/'],
  reads: 'kubelet --anonymous-auth / authentication.anonymous.enabled (default false with --config, true without)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'anonymous-auth', field: 'authentication.anonymous.enabled' });
      if (!isFalse(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: e.explicit ? `set to ${e.value}` : 'unset: a kubelet without --config defaults to true' });
    }
  },
});
