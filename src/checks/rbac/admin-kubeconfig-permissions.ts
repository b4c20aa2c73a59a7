import { defineCheck } from '../registry.js';
import { reportFile } from '../tls/permissions.js';

/** kubeadm's administrator kubeconfigs; super-admin.conf (kubeadm ≥ 1.29) is system:masters. */
const ADMIN_KUBECONFIGS = ['etc/kubernetes/admin.conf', 'etc/kubernetes/super-admin.conf'];

export default defineCheck({
  id: 'rbac/admin-kubeconfig-permissions',
  practice: 'rbac',
  severity: 'high',
  cis: ['1.1.13', '1.1.14'],
  title: 'Administrator kubeconfig is readable by others or not owned by root',
  why: 'admin.conf and super-admin.conf hold client certificates of cluster administrators (super-admin.conf, and admin.conf before kubeadm 1.29, is in system:masters, which RBAC cannot restrict and which cannot be revoked before the certificate expires). Any local user who can read them owns the cluster.',
  remediation: 'chmod 600 and chown root:root /etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf; keep super-admin.conf offline after bootstrap.',
  references: ['https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubeadm-certs/#kubeconfig-additional-users'],
  reads: 'mode and owner of /etc/kubernetes/admin.conf and /etc/kubernetes/super-admin.conf',
  run(cp, report) {
    for (const host of cp.hosts) {
      for (const path of ADMIN_KUBECONFIGS) {
        reportFile(report, path.split('/').at(-1) ?? path, host, host.files[path], { what: 'administrator kubeconfig', maxMode: 0o600, cis: { mode: '1.1.13', owner: '1.1.14' } });
      }
    }
  },
});
