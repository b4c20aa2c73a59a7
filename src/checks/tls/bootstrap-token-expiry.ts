import { defineCheck } from '../registry.js';
import { scanTime, tokenEvidence } from './bootstrap-common.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** kubeadm's default token TTL is 24h; a token that lives longer than a week is a standing credential */
const LONG_LIVED_DAYS = 7;

/**
 * Bootstrap tokens (kube-system Secrets of type bootstrap.kubernetes.io/token) authenticate as
 * system:bootstrap:<id> in system:bootstrappers until `expiration`; the token cleaner deletes expired ones.
 * staging/src/k8s.io/cluster-bootstrap/token/api/types.go, plugin/pkg/auth/authenticator/token/bootstrap/bootstrap.go.
 */
export default defineCheck({
  id: 'tls/bootstrap-token-expiry',
  practice: 'tls',
  severity: 'high',
  cis: [],
  title: 'Bootstrap token that can authenticate has no expiration or a long lifetime',
  why: 'A bootstrap token lets anyone holding it create CSRs as system:bootstrappers and, with the usual auto-approval binding, obtain a node client certificate. Without an expiration (or with a long one) a leaked join command stays a way into the cluster.',
  remediation: 'Give bootstrap tokens a short TTL (kubeadm token create --ttl 1h; the default is 24h), delete unused ones (kubeadm token delete <id>), and run the tokencleaner controller (--controllers=*,tokencleaner on kube-controller-manager).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/', 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/'],
  reads: 'kube-system bootstrap-token Secrets: expiration, usage-bootstrap-authentication',
  appliesTo: (cp) => (cp.cluster?.bootstrapTokens.length ?? 0) > 0,
  run(cp, report) {
    const now = scanTime(cp);
    for (const t of cp.cluster?.bootstrapTokens ?? []) {
      const authenticates = t.usages.includes('authentication');
      if (t.expiration === undefined) {
        if (authenticates) report({ component: 'kube-apiserver', host: 'cluster', evidence: tokenEvidence(t, null, 'expiration'), detail: `bootstrap token ${t.id} never expires` });
        continue;
      }
      const exp = Date.parse(t.expiration);
      if (Number.isNaN(exp)) {
        report({ component: 'kube-apiserver', host: 'cluster', evidence: tokenEvidence(t, t.expiration, 'expiration'), severity: 'medium', detail: `bootstrap token ${t.id} has an unparseable expiration "${t.expiration}" (RFC 3339 expected)` });
      } else if (exp <= now) {
        // the authenticator already rejects it; its presence means the token cleaner is not running
        report({ component: 'kube-controller-manager', host: 'cluster', evidence: tokenEvidence(t, t.expiration, 'expiration'), severity: 'low', title: 'Expired bootstrap token was not cleaned up', detail: `bootstrap token ${t.id} expired at ${t.expiration} but still exists (is the tokencleaner controller enabled?)` });
      } else if (authenticates && exp - now > LONG_LIVED_DAYS * DAY_MS) {
        report({ component: 'kube-apiserver', host: 'cluster', evidence: tokenEvidence(t, t.expiration, 'expiration'), severity: 'medium', detail: `bootstrap token ${t.id} is valid for ${Math.round((exp - now) / DAY_MS)} more days` });
      }
    }
  },
});
