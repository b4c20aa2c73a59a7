import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { DOCS } from './common.js';
import { KUBECONFIG_KINDS, kubeconfigsOf } from './kubeconfigs.js';
import { reportFile } from './permissions.js';

export default defineCheck({
  id: 'tls/kubeconfig-file-permissions',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.1.15', '1.1.16', '1.1.17', '1.1.18', '4.1.5', '4.1.6'],
  title: 'Component kubeconfig is readable by others or not owned by root',
  why: 'The kubeconfigs of the scheduler, the controller manager and the kubelet hold their client certificates and keys (the bootstrap kubeconfig a bootstrap token). Any local user who can read one can act as that component: the controller manager\'s identity reads every Secret, a kubelet\'s reads the Secrets of its pods.',
  remediation:
    'chmod 600 and chown root:root the files (kubeadm: /etc/kubernetes/scheduler.conf, /etc/kubernetes/controller-manager.conf, /etc/kubernetes/kubelet.conf, /etc/kubernetes/bootstrap-kubelet.conf).',
  references: [DOCS.kubeadmCerts, DOCS.securingCluster],
  reads: 'mode and owner of the files named by kube-scheduler/kube-controller-manager --kubeconfig (and --authentication-/--authorization-kubeconfig), kubelet --kubeconfig and --bootstrap-kubeconfig',
  run(cp, report) {
    for (const kind of KUBECONFIG_KINDS) {
      for (const c of componentsOf(cp, kind)) {
        for (const ref of kubeconfigsOf(cp, c)) {
          reportFile(report, c, hostOf(cp, c), ref.file, { what: `--${ref.flag}`, maxMode: 0o600, cis: ref.cis ? { mode: ref.cis.mode, owner: ref.cis.owner } : {} });
        }
      }
    }
  },
});
