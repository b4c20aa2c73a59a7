import { defineCheck } from '../registry.js';
import { componentsOf, isTrue, kubeletSetting } from '../../model/effective.js';
import { emptyEvidence } from '../../model/finding.js';
import { scanTime } from './bootstrap-common.js';

const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
/** an approver answers within seconds; an hour-old pending CSR means none is running */
const PENDING_GRACE_MS = 60 * 60 * 1000;

export default defineCheck({
  id: 'tls/bootstrap-serving-csrs',
  practice: 'tls',
  severity: 'medium',
  cis: [],
  title: 'Kubelet serving-certificate CSRs are left pending or denied',
  why: 'With serverTLSBootstrap the kubelet asks for a CA-signed serving certificate through a kubernetes.io/kubelet-serving CSR, which the built-in approver never approves. While it stays pending the kubelet has no serving certificate the API server can verify, so --kubelet-certificate-authority cannot be enforced (logs, exec and port-forward run over unverified TLS); denied CSRs mean the kubelet keeps asking.',
  remediation: 'Run an approver that checks each kubelet-serving CSR (requester system:node:<name> in system:nodes, usages server auth + digital signature [+ key encipherment], SANs limited to that Node\'s addresses), e.g. `kubeward pki approve-csrs --watch`; never approve them blindly.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation', 'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#kubernetes-signers'],
  reads: 'kubelet serverTLSBootstrap / --rotate-server-certificates; CertificateSigningRequests with signer kubernetes.io/kubelet-serving',
  appliesTo: (cp) => (cp.cluster?.csrs ?? []).some((c) => c.signerName === KUBELET_SERVING),
  run(cp, report) {
    const kubelets = componentsOf(cp, 'kubelet');
    const bootstrapping = kubelets.some((k) => isTrue(kubeletSetting(cp, k, { flag: 'rotate-server-certificates', field: 'serverTLSBootstrap' })));
    // with no kubelet in the model (API-only scan) the CSRs themselves show serverTLSBootstrap is on
    if (kubelets.length > 0 && !bootstrapping) return;
    const now = scanTime(cp);
    for (const csr of cp.cluster?.csrs ?? []) {
      if (csr.signerName !== KUBELET_SERVING) continue;
      const evidence = { ...emptyEvidence('api'), object: csr.object, field: 'status.conditions', value: csr.conditions.join(',') || null };
      if (csr.conditions.includes('Denied') || csr.conditions.includes('Failed')) {
        report({ component: 'kubelet', host: 'cluster', evidence, severity: 'low', detail: `CSR ${csr.name} from ${csr.username} was ${csr.conditions.includes('Denied') ? 'denied' : 'failed'}` });
      } else if (!csr.conditions.includes('Approved')) {
        const age = csr.created ? now - Date.parse(csr.created) : Infinity;
        if (age >= PENDING_GRACE_MS) report({ component: 'kubelet', host: 'cluster', evidence, detail: `CSR ${csr.name} from ${csr.username} is still pending${csr.created ? ` since ${csr.created}` : ''}` });
      }
    }
  },
});
