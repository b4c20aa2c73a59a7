import { defineRule, isControlPlane, succeeded } from './rule.js';

/**
 * Approving a CertificateSigningRequest issues a client certificate the API server trusts (audit.md §4
 * gaps); the controller-manager's approver handles kubelet CSRs, so a person approving is notable.
 */
export default defineRule({
  id: 'audit/csr-approval',
  severity: 'high',
  title: 'Certificate signing request approved by hand',
  description: 'An identity outside the control plane updated certificatesigningrequests/approval: a certificate for any user or group it names (system:masters included, with the kube-apiserver-client signer) can follow.',
  remediation: 'Check the CSR\'s subject, groups and signer; restrict `approve` on signers to a dedicated approver.',
  mitre: { id: 'T1649', name: 'Steal or Forge Authentication Certificates' },
  needsLevel: 'Metadata',
  // resource and subresource
  prefilter: [['certificatesigningrequests', 'approval']],
  fields: (e) => e.resource === 'certificatesigningrequests' && e.facts.subresource === 'approval',
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.resource !== 'certificatesigningrequests' || o.subresource !== 'approval' || (e.verb !== 'update' && e.verb !== 'patch') || isControlPlane(e)) return undefined;
    return succeeded(e) ? { detail: `approval of CSR ${o.name ?? '?'}` } : { severity: 'medium', detail: `approval of CSR ${o.name ?? '?'} refused (attempt)` };
  },
});
