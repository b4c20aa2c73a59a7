import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';
import { DOCS } from './common.js';

export default defineCheck({
  id: 'tls/kubelet-hostname-override',
  practice: 'tls',
  severity: 'low',
  cis: ['4.2.7'],
  title: 'Kubelet overrides its host name',
  why: 'With --hostname-override the Node name differs from the machine\'s host name, so serving certificates issued for the Node name and the addresses the API server dials can disagree: TLS verification of the kubelet fails, which pushes operators to turn verification off.',
  remediation: 'Remove --hostname-override from the kubelet command line (kubeadm: KUBELET_EXTRA_ARGS in /etc/default/kubelet or /var/lib/kubelet/kubeadm-flags.env) unless the cloud provider requires it, and make sure serving certificates carry the overridden name.',
  references: [DOCS.kubelet, DOCS.kubeletBootstrap],
  reads: 'kubelet --hostname-override',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = flag(cp, c, 'hostname-override');
      if (e.explicit && e.value) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: `the Node is named ${e.value}` });
    }
  },
});
