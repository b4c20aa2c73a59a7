import { PRACTICES, type Practice } from '../../model/finding.js';
import { defineCheck } from '../registry.js';

/** What a managed control plane hides, per practice: these stay unknown, never passed. */
const HIDDEN: Record<Practice, string> = {
  tls: 'kube-apiserver, controller-manager and scheduler TLS flags and certificates',
  rbac: 'the authorization modes, admission plugins and audit policy of kube-apiserver',
  authn: 'anonymous auth, token and OIDC authentication flags of kube-apiserver',
  etcd: 'etcd: its TLS, client-certificate auth and exposure',
  encryption: 'the encryption-at-rest configuration of kube-apiserver',
};

/** A managed control plane (EKS, GKE, AKS) keeps its flags and files out of reach: say so per practice. */
export default defineCheck({
  id: 'input/managed-control-plane',
  practice: 'tls',
  severity: 'info',
  cis: [],
  title: 'Managed control plane: settings not visible',
  why: 'The provider runs the control plane; its flags, files and etcd cannot be read from the cluster, so checks about them could not run and their silence proves nothing.',
  remediation: "Review the provider's control-plane settings (its console, API or CIS benchmark profile, e.g. the CIS EKS/GKE/AKS benchmarks) and scan the worker nodes with --node-root.",
  reads: 'cluster.managedBy (from the live source)',
  appliesTo: (cp) => cp.cluster?.managedBy !== undefined,
  run(cp, report) {
    const managedBy = cp.cluster?.managedBy ?? '';
    for (const practice of PRACTICES) {
      report({
        component: 'control-plane',
        host: managedBy,
        practice,
        detail: `Managed by ${managedBy}: not assessed: ${HIDDEN[practice]}.`,
        evidence: { source: 'api', file: null, line: null, flag: null, value: managedBy, field: null, object: cp.cluster?.server ?? null, probe: null },
      });
    }
  },
});
