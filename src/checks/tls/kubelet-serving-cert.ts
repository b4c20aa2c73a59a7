import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, featureGate, hostOf, isFalse, isTrue, kubeletSetting } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';

export default defineCheck({
  id: 'tls/kubelet-serving-cert',
  practice: 'tls',
  severity: 'medium',
  cis: ['4.2.9'],
  title: 'Kubelet serves a self-signed certificate',
  why: 'With neither serverTLSBootstrap nor tlsCertFile/tlsPrivateKeyFile the kubelet signs its own serving certificate into --cert-dir. No CA vouches for it, so the API server cannot verify kubelets (--kubelet-certificate-authority cannot be turned on) and its exec, logs and port-forward streams can be intercepted. Bootstrapped serving certificates are the better answer than static files: they rotate (kube-bench#588).',
  remediation:
    'Set serverTLSBootstrap: true in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml; or serverTLSBootstrap in kubeadm\'s KubeletConfiguration) and approve kubernetes.io/kubelet-serving CSRs with an approver that checks the node\'s names, or set tlsCertFile/tlsPrivateKeyFile to a CA-signed certificate.',
  references: [DOCS.kubeletBootstrap, DOCS.certRotation, DOCS.kubeletConfig],
  reads: 'kubelet serverTLSBootstrap (--rotate-server-certificates), tlsCertFile/tlsPrivateKeyFile (--tls-cert-file/--tls-private-key-file), feature gate RotateKubeletServerCertificate',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const bootstrap = kubeletSetting(cp, c, { flag: 'rotate-server-certificates', field: 'serverTLSBootstrap' });
      const gate = featureGate(cp, c, 'RotateKubeletServerCertificate');
      const cert = kubeletSetting(cp, c, { flag: 'tls-cert-file', field: 'tlsCertFile' });
      const key = kubeletSetting(cp, c, { flag: 'tls-private-key-file', field: 'tlsPrivateKeyFile' });
      if (isTrue(bootstrap) && !isFalse(gate)) continue;
      if (cert.value && key.value) continue;
      const gateOff = isTrue(bootstrap) && isFalse(gate);
      report({
        component: c,
        host: hostOf(cp, c),
        evidence: evidenceFor(c, gateOff ? gate : bootstrap),
        detail: gateOff
          ? 'serverTLSBootstrap is on but the RotateKubeletServerCertificate feature gate is off, and no tlsCertFile is set: the kubelet self-signs'
          : 'serverTLSBootstrap is off and tlsCertFile/tlsPrivateKeyFile are not both set: the kubelet self-signs its serving certificate',
        ...linkOf(cp, 'apiserver-kubelet', { to: c }),
      });
    }
  },
});
