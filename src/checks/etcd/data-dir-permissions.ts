import { defineCheck } from '../registry.js';
import { componentsOf, evidenceForFile, fileFor, flag, hostOf } from '../../model/effective.js';
import { excessMode, formatMode, ownedBy, ownerOf } from '../../model/permissions.js';

export default defineCheck({
  id: 'etcd/data-dir-permissions',
  practice: 'etcd',
  severity: 'high',
  cis: ['1.1.11', '1.1.12'],
  title: 'etcd data directory is open to other users',
  why: 'etcd does not encrypt its data on disk: the data directory holds every object of the cluster, Secrets included (in clear text unless the API server encrypts them). Any user who can read it, or who owns it, reads the cluster. CIS 1.1.12 asks for etcd:etcd, but kubeadm runs etcd as root in a static pod; then root:root is the right owner, not a failure.',
  remediation: 'chmod 700 the data directory; chown it to the user etcd runs as (etcd:etcd for packaged etcd, root:root for kubeadm\'s static pod).',
  references: ['https://etcd.io/docs/v3.6/op-guide/security/'],
  reads: 'etcd --data-dir (resolved through the static pod\'s hostPath mounts): mode and owner',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const host = hostOf(cp, c);
      const dir = fileFor(host, c, flag(cp, c, 'data-dir'));
      if (!dir?.exists) continue;
      if (excessMode(dir, 0o700)) report({ component: c, host, evidence: evidenceForFile(dir, { value: formatMode(dir.mode ?? 0) }), detail: `mode ${formatMode(dir.mode ?? 0)} is wider than 0700 (CIS 1.1.11)` });
      if (ownedBy(dir, 'etcd', 'etcd')) continue;
      if (ownedBy(dir, 'root', 'root')) {
        report({ component: c, host, severity: 'info', evidence: evidenceForFile(dir, { value: ownerOf(dir) }), detail: c.origin === 'static-pod' ? 'owned by root:root: kubeadm runs etcd as root, so this is the owner it needs (kube-bench 1.1.12 fails it)' : 'owned by root:root: right if etcd runs as root, otherwise etcd cannot write it (CIS 1.1.12 expects etcd:etcd)' });
      } else {
        report({ component: c, host, evidence: evidenceForFile(dir, { value: ownerOf(dir) }), detail: `owned by ${ownerOf(dir)}, neither etcd:etcd nor root:root (CIS 1.1.12): that user can read every object of the cluster` });
      }
    }
  },
});
