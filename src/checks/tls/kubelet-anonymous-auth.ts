import { defineCheck } from '../registry.js';
import { componentsOf, defaultDetail, evidenceFor, hostOf, isFalse, kubeletSetting } from '../../model/effective.js';
import { DOCS } from './common.js';

export default defineCheck({
  id: 'tls/kubelet-anonymous-auth',
  practice: 'tls',
  severity: 'high',
  cis: ['4.2.1'],
  title: 'Kubelet accepts anonymous requests',
  why: 'With anonymous authentication on, the kubelet API on port 10250 treats every caller without credentials as system:anonymous; with a permissive authorizer (AlwaysAllow, the flag-only default) that is remote code execution in every pod on the node, and at best it leaks what the authorizer lets through. The default depends on how the kubelet is configured: true without --config, false in a config file.',
  remediation: 'Set authentication.anonymous.enabled: false in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml) or --anonymous-auth=false on the kubelet, and restart the kubelet.',
  references: [DOCS.kubeletAuth, DOCS.kubeletConfig],
  reads: 'kubelet --anonymous-auth / authentication.anonymous.enabled (default true flag-only, false with --config)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'anonymous-auth', field: 'authentication.anonymous.enabled' });
      if (isFalse(e)) continue;
      report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: defaultDetail(c, e) ?? `anonymous authentication is ${e.value ?? 'on'}` });
    }
  },
});
