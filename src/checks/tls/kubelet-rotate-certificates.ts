import { defineCheck } from '../registry.js';
import { componentsOf, defaultDetail, evidenceFor, hostOf, isTrue, kubeletSetting } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';

export default defineCheck({
  id: 'tls/kubelet-rotate-certificates',
  practice: 'tls',
  severity: 'medium',
  cis: ['4.2.10'],
  title: 'Kubelet does not rotate its client certificate',
  why: 'Without rotateCertificates the kubelet keeps the client certificate it was given until it expires; then the node drops out of the cluster, and the usual fix is a long-lived certificate or a shared credential. The default is false both in the config file and on the command line, so a config that simply omits the field does not rotate (kube-bench passes it).',
  remediation: 'Set rotateCertificates: true in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml) or --rotate-certificates on the kubelet; the controller manager must run the csrapproving and csrsigning controllers.',
  references: [DOCS.certRotation, DOCS.kubeletBootstrap],
  reads: 'kubelet --rotate-certificates / rotateCertificates (default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'rotate-certificates', field: 'rotateCertificates' });
      if (isTrue(e)) continue;
      report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: defaultDetail(c, e) ?? `rotateCertificates is ${e.value ?? 'empty'}`, ...linkOf(cp, 'kubelet-apiserver', { from: c }) });
    }
  },
});
