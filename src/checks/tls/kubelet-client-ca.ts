import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, hostOf, kubeletSetting } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';

export default defineCheck({
  id: 'tls/kubelet-client-ca',
  practice: 'tls',
  severity: 'high',
  cis: ['4.2.3'],
  title: 'Kubelet does not authenticate client certificates',
  why: 'Without a client CA the kubelet cannot verify the certificate the API server presents on port 10250, so the API server\'s exec, logs and port-forward calls are not mutually authenticated: the kubelet must admit them as anonymous or by token, and anyone holding such access can do the same.',
  remediation: 'Set authentication.x509.clientCAFile in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml, value /etc/kubernetes/pki/ca.crt) or --client-ca-file on the kubelet.',
  references: [DOCS.kubeletAuth, DOCS.nodeCommunication],
  reads: 'kubelet --client-ca-file / authentication.x509.clientCAFile',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const e = kubeletSetting(cp, c, { flag: 'client-ca-file', field: 'authentication.x509.clientCAFile' });
      if (e.value) continue;
      report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: 'no client CA: x509 client authentication is off', ...linkOf(cp, 'apiserver-kubelet', { to: c }) });
    }
  },
});
