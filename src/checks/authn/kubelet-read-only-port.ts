import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, hostOf, kubeletSetting } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/kubelet-read-only-port',
  practice: 'authn',
  severity: 'medium',
  cis: ['4.2.4'],
  title: 'Kubelet serves its read-only port without authentication',
  why: 'The read-only port (10255) is plain HTTP with neither authentication nor authorization: anyone who can reach the node reads the pod list with every pod\'s environment variables, images and volumes, and the node\'s metrics. The default is 10255 for a kubelet run with flags only and 0 (off) with a config file.',
  remediation: 'Set readOnlyPort: 0 in the kubelet config file (or --read-only-port=0).',
  references: ['https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/'],
  reads: 'kubelet --read-only-port / readOnlyPort (default 0 with --config, 10255 without)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'read-only-port', field: 'readOnlyPort' });
      if (e.value !== undefined && e.value !== '0') report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: e.explicit ? `port ${e.value}` : `unset: a kubelet without --config defaults to ${e.value}` });
    }
  },
});
