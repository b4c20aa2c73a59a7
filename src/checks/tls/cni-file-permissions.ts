import { defineCheck } from '../registry.js';
import type { NodeFile } from '../../model/control-plane.js';
import { DOCS } from './common.js';
import { reportFile } from './permissions.js';

/** IPAM state of the host-local plugin (kube-bench reads this directory for 1.1.9/1.1.10). */
const IPAM_DIR = 'var/lib/cni/networks/';

/** A CNI file with credentials in it (Calico's calico-kubeconfig holds a token; some configs embed keys) matters more. */
function holdsCredentials(file: NodeFile): boolean {
  return file.kubeconfig !== undefined || file.privateKey !== undefined;
}

export default defineCheck({
  id: 'tls/cni-file-permissions',
  practice: 'tls',
  severity: 'low',
  cis: ['1.1.9', '1.1.10'],
  title: 'CNI file is readable by others or not owned by root',
  why: 'CNI configs say how pods are wired and, for plugins that keep state in etcd, which etcd endpoints and client certificates they use; some directories also hold a kubeconfig with a service-account token (Calico). Whoever can change them can redirect pod traffic; whoever can read a credential in them can act as the network plugin.',
  remediation: 'chmod 600 and chown root:root the CNI config files (usually /etc/cni/net.d/*) and the IPAM state under /var/lib/cni/networks; the container runtime and kubelet run as root and keep working.',
  references: ['https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/', DOCS.securingCluster],
  reads: 'mode and owner of the CNI config files read (and files in the same directory) and of /var/lib/cni/networks/*',
  run(cp, report) {
    for (const host of cp.hosts) {
      const dirs = new Set(host.cni.map((c) => c.file.slice(0, c.file.lastIndexOf('/') + 1)).filter((d) => d.length > 0));
      const files = Object.values(host.files)
        .filter((f) => f.path.startsWith(IPAM_DIR) || [...dirs].some((d) => f.path.startsWith(d) && !f.path.slice(d.length).includes('/')))
        .sort((a, b) => a.path.localeCompare(b.path));
      for (const file of files) {
        const sink = holdsCredentials(file) ? (r: Parameters<typeof report>[0]): void => report({ ...r, severity: 'medium' }) : report;
        reportFile(sink, file.path.split('/').at(-1) ?? file.path, host, file, { what: 'CNI file', maxMode: 0o600, cis: { mode: '1.1.9', owner: '1.1.10' } });
      }
    }
  },
});
