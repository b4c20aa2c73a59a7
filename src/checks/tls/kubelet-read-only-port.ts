import { defineCheck } from '../registry.js';
import { componentsOf, defaultDetail, evidenceFor, hostOf, kubeletSetting } from '../../model/effective.js';
import { DOCS } from './common.js';

export default defineCheck({
  id: 'tls/kubelet-read-only-port',
  practice: 'tls',
  severity: 'medium',
  cis: ['4.2.4'],
  title: 'Kubelet serves its read-only port (plain HTTP, no authentication)',
  why: 'The read-only port (10255) answers without TLS and without authentication: anyone who reaches the node can list its pods with their full specs (images, commands, environment values) and metrics. It is on by default when the kubelet runs without a config file (10255) and off by default in a config file (0).',
  remediation: 'Set readOnlyPort: 0 in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml) or --read-only-port=0 on the kubelet.',
  references: [DOCS.kubeletAuth, DOCS.kubeletConfig],
  reads: 'kubelet --read-only-port / readOnlyPort (default 10255 flag-only, 0 with --config)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'read-only-port', field: 'readOnlyPort' });
      if (e.value === undefined || Number(e.value) === 0) continue;
      report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: defaultDetail(c, e) ?? `read-only port ${e.value} is open` });
    }
  },
});
