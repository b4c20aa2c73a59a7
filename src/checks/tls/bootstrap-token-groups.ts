import { defineCheck } from '../registry.js';
import { tokenEvidence } from './bootstrap-common.js';

/** staging/src/k8s.io/cluster-bootstrap/util/secrets: bootstrapGroupRegexp; the authenticator refuses a token with any other extra group */
const BOOTSTRAP_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const USAGES = new Set(['authentication', 'signing']);

export default defineCheck({
  id: 'tls/bootstrap-token-groups',
  practice: 'tls',
  severity: 'medium',
  cis: [],
  title: 'Bootstrap token with extra groups or usages outside the bootstrap scheme',
  why: 'Bootstrap tokens should only put their holder in system:bootstrappers (and system:bootstrappers:* sub-groups) so that RBAC grants them no more than creating a node CSR. The authenticator refuses tokens whose auth-extra-groups fall outside system:bootstrappers:*, so such a token is either broken or an attempt to hand out more than bootstrap rights; a token with no usage at all is dead weight that still holds a secret.',
  remediation: 'Recreate the token with auth-extra-groups limited to system:bootstrappers:<name> (kubeadm token create --groups system:bootstrappers:kubeadm:default-node-token) and only the usages it needs (authentication for kubelet join, signing for the cluster-info ConfigMap); delete tokens with neither.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/'],
  reads: 'kube-system bootstrap-token Secrets: auth-extra-groups, usage-bootstrap-*',
  appliesTo: (cp) => (cp.cluster?.bootstrapTokens.length ?? 0) > 0,
  run(cp, report) {
    for (const t of cp.cluster?.bootstrapTokens ?? []) {
      const bad = t.extraGroups.filter((g) => !BOOTSTRAP_GROUP.test(g));
      if (bad.length > 0) {
        report({ component: 'kube-apiserver', host: 'cluster', evidence: tokenEvidence(t, t.extraGroups.join(','), 'auth-extra-groups'), detail: `bootstrap token ${t.id} asks for groups outside system:bootstrappers:*: ${bad.join(', ')}` });
      }
      const unknown = t.usages.filter((u) => !USAGES.has(u));
      if (t.usages.length === 0 || unknown.length > 0) {
        report({
          component: 'kube-apiserver',
          host: 'cluster',
          evidence: tokenEvidence(t, t.usages.join(',') || null, 'usage-bootstrap-*'),
          severity: 'low',
          detail: t.usages.length === 0 ? `bootstrap token ${t.id} has no usage (neither authentication nor signing)` : `bootstrap token ${t.id} has unknown usages: ${unknown.join(', ')}`,
        });
      }
    }
  },
});
