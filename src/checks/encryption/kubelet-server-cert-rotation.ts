import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, featureGate, hostOf, isFalse, isTrue, kubeletSetting } from '../../model/effective.js';

export default defineCheck({
  id: 'encryption/kubelet-server-cert-rotation',
  practice: 'encryption',
  severity: 'medium',
  cis: ['4.2.11', '1.3.6'],
  title: 'Kubelet serving certificates are not rotated',
  why: 'Kubelet serving certificates rotate only with serverTLSBootstrap and the RotateKubeletServerCertificate feature gate (beta, on by default since 1.12) on both the kubelet and the controller manager, which signs the CSRs. Switching the gate off, or serving from a static tlsCertFile, leaves a certificate that nobody renews until it expires.',
  remediation: 'Remove RotateKubeletServerCertificate=false from --feature-gates on kubelet and kube-controller-manager, set serverTLSBootstrap: true and approve kubernetes.io/kubelet-serving CSRs (`kubeward pki approve-csrs`).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation'],
  reads: 'kube-controller-manager and kubelet feature gate RotateKubeletServerCertificate; kubelet serverTLSBootstrap, tlsCertFile',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-controller-manager')) {
      const gate = featureGate(cp, c, 'RotateKubeletServerCertificate');
      if (isFalse(gate)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, gate), detail: 'the controller manager will not sign kubelet serving CSRs (CIS 1.3.6)' });
    }
    for (const c of componentsOf(cp, 'kubelet')) {
      const gate = featureGate(cp, c, 'RotateKubeletServerCertificate');
      const bootstrap = kubeletSetting(cp, c, { flag: 'rotate-server-certificates', field: 'serverTLSBootstrap' });
      const certFile = kubeletSetting(cp, c, { flag: 'tls-cert-file', field: 'tlsCertFile' });
      if (isFalse(gate)) {
        // With serverTLSBootstrap on and no static certificate, tls/kubelet-serving-cert reports the self-signed result.
        if (!(isTrue(bootstrap) && !certFile.value)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, gate), detail: 'RotateKubeletServerCertificate=false on the kubelet (CIS 4.2.11)' });
      } else if (!isTrue(bootstrap) && certFile.value) {
        report({ component: c, host: hostOf(cp, c), severity: 'low', evidence: evidenceFor(c, certFile), detail: `static serving certificate ${certFile.value}: the kubelet never renews it (serverTLSBootstrap is off)` });
      }
    }
  },
});
