import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/bootstrap-token-auth',
  practice: 'authn',
  severity: 'info',
  cis: ['3.1.3'],
  title: 'Bootstrap tokens can authenticate to the API server',
  why: 'Bootstrap tokens exist for kubelet TLS bootstrapping: they should only ever create a node CSR. Used as a login for people or automation they are shared secrets with broad reach and, unless given an expiration, no end. The live token checks (tls/bootstrap-token-*) judge each token; this finding records that the authenticator is on.',
  remediation: 'Keep --enable-bootstrap-token-auth only while nodes join; give tokens short TTLs (kubeadm default 24h) and never hand them to people (CIS 3.1.3).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/'],
  reads: 'kube-apiserver --enable-bootstrap-token-auth (default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const e = flag(cp, c, 'enable-bootstrap-token-auth');
      if (isTrue(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e) });
    }
  },
});
