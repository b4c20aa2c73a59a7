import { defineCheck } from '../registry.js';
import { componentsOf, fileFor, hostOf, kubeletSetting } from '../../model/effective.js';
import { DOCS } from './common.js';
import { reportFile } from './permissions.js';

export default defineCheck({
  id: 'tls/kubelet-file-permissions',
  practice: 'tls',
  severity: 'medium',
  cis: ['4.1.7', '4.1.8', '4.1.9', '4.1.10'],
  title: 'Kubelet config or client CA file is writable by others or not owned by root',
  why: 'The kubelet config file decides whether the kubelet API is authenticated (anonymous auth, client CA, authorization mode, read-only port); the client CA file decides whose certificates it trusts. Whoever can change either can open the kubelet to themselves: the client CA may be world-readable but not writable, the config not even readable (it can name token files).',
  remediation:
    'chmod 600 and chown root:root the kubelet config file and its drop-ins (kubeadm: /var/lib/kubelet/config.yaml, /etc/kubernetes/kubelet.conf.d/); chmod 644 (or stricter) and chown root:root the client CA file (kubeadm: /etc/kubernetes/pki/ca.crt).',
  references: [DOCS.kubeletConfig, DOCS.kubeletAuth],
  reads: 'mode and owner of the kubelet --config file and --config-dir drop-ins, and of the --client-ca-file / authentication.x509.clientCAFile file',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) {
      const host = hostOf(cp, c);
      const clientCA = kubeletSetting(cp, c, { flag: 'client-ca-file', field: 'authentication.x509.clientCAFile' });
      reportFile(report, c, host, fileFor(host, c, clientCA), { what: 'client CA file', maxMode: 0o644, cis: { mode: '4.1.7', owner: '4.1.8' } });
      if (!c.config) continue;
      reportFile(report, c, host, host.files[c.config.file], { what: 'kubelet config', maxMode: 0o600, cis: { mode: '4.1.9', owner: '4.1.10' } });
      for (const dropIn of c.config.dropIns) reportFile(report, c, host, host.files[dropIn], { what: 'kubelet config drop-in', maxMode: 0o600, cis: {} });
    }
  },
});
