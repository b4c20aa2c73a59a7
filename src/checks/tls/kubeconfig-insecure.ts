import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, evidenceForFile, flag, hostOf, kubeconfigCurrent } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';
import { KUBECONFIG_KINDS, kubeconfigsOf } from './kubeconfigs.js';

export default defineCheck({
  id: 'tls/kubeconfig-insecure',
  practice: 'tls',
  severity: 'high',
  cis: [],
  title: 'Component reaches the API server without verified TLS',
  why: 'The kubelet, controller manager and scheduler send their credentials and the cluster\'s state over these connections. An http:// server sends them in clear (the controller manager\'s traffic includes every Secret it reads); insecure-skip-tls-verify accepts any certificate, so anyone in the path can pose as the API server, feed the component false state and collect its credentials.',
  remediation:
    'Use an https:// server and the cluster CA (certificate-authority or certificate-authority-data) in the kubeconfig, remove insecure-skip-tls-verify and --master=http://... (kubeadm: /etc/kubernetes/kubelet.conf, controller-manager.conf, scheduler.conf; `kubeadm init phase kubeconfig` rewrites them).',
  references: [DOCS.kubeconfig, DOCS.nodeCommunication],
  reads: 'kubelet --kubeconfig/--bootstrap-kubeconfig, kube-controller-manager and kube-scheduler --kubeconfig/--authentication-kubeconfig/--authorization-kubeconfig/--master: server scheme and insecure-skip-tls-verify of the current context',
  run(cp, report) {
    for (const kind of KUBECONFIG_KINDS) {
      for (const c of componentsOf(cp, kind)) {
        const host = hostOf(cp, c);
        const master = kind === 'kubelet' ? undefined : flag(cp, c, 'master');
        if (master?.explicit && master.value?.toLowerCase().startsWith('http://')) {
          report({ component: c, host, severity: 'critical', evidence: evidenceFor(c, master), detail: `--master ${master.value} is plain http and overrides the kubeconfig`, ...linkOf(cp, kind === 'kube-scheduler' ? 'scheduler-apiserver' : 'controller-manager-apiserver', { from: c }) });
        }
        for (const ref of kubeconfigsOf(cp, c)) {
          const { cluster } = ref.file.kubeconfig ? kubeconfigCurrent(ref.file.kubeconfig) : {};
          if (!cluster) continue;
          const link = ref.link ? linkOf(cp, ref.link, { from: c }) : {};
          const at = (field: string, value: string): ReturnType<typeof evidenceForFile> => evidenceForFile(ref.file, { line: cluster.line ?? null, field: `clusters.${cluster.name}.${field}`, value });
          if (cluster.server?.toLowerCase().startsWith('http://')) {
            report({ component: c, host, severity: 'critical', evidence: at('server', cluster.server), detail: `--${ref.flag} ${ref.file.path}: server ${cluster.server} is plain http`, ...link });
          }
          if (cluster.insecureSkipTlsVerify) {
            report({ component: c, host, evidence: at('insecure-skip-tls-verify', 'true'), detail: `--${ref.flag} ${ref.file.path}: insecure-skip-tls-verify is set for ${cluster.server ?? cluster.name}`, ...link });
          }
        }
      }
    }
  },
});
