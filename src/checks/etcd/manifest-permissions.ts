import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { reportFile } from '../tls/permissions.js';

export default defineCheck({
  id: 'etcd/manifest-permissions',
  practice: 'etcd',
  severity: 'medium',
  cis: ['1.1.7', '1.1.8'],
  title: 'etcd static pod manifest is writable or readable by others',
  why: 'The kubelet runs whatever the etcd manifest says, as root, with the etcd data and keys mounted: anyone who can change it can turn off client-certificate auth or add a container that copies the database. Read access shows every TLS path and flag.',
  remediation: 'chmod 600 and chown root:root the etcd manifest (kubeadm: /etc/kubernetes/manifests/etcd.yaml).',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/'],
  reads: 'mode and owner of the etcd static pod manifest',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      if (c.origin !== 'static-pod' || !c.at.file) continue;
      const host = hostOf(cp, c);
      reportFile(report, c, host, host.files[c.at.file], { what: 'etcd manifest', maxMode: 0o600, cis: { mode: '1.1.7', owner: '1.1.8' } });
    }
  },
});
