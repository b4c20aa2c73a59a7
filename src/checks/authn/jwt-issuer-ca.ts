import { isIP } from 'node:net';
import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { jwtAuthenticators } from './jwt-authenticators.js';

/** A host name or address only reachable inside an organisation, so its certificate comes from a private CA. */
function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(h) === 4) return /^(10\.|127\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(h);
  if (isIP(h) === 6) return h === '::1' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
  return !h.includes('.') || /\.(local|internal|lan|corp|home\.arpa|svc|cluster\.local|localdomain)$/.test(h);
}

export default defineCheck({
  id: 'authn/jwt-issuer-ca',
  practice: 'authn',
  severity: 'medium',
  cis: [],
  title: 'Private OIDC issuer without a pinned CA',
  why: 'Without --oidc-ca-file (or issuer.certificateAuthority) the API server checks the issuer\'s certificate against the host\'s system roots. An issuer on an internal name or address has a certificate from a private CA, so discovery fails and every token is rejected; the usual "fix" is adding the private CA to the whole host trust store, which then vouches for everything else the host talks to.',
  remediation: 'Pin the issuer\'s CA: --oidc-ca-file=/etc/kubernetes/pki/oidc-ca.crt, or issuer.certificateAuthority (PEM) in the AuthenticationConfiguration.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#configuring-the-api-server'],
  reads: 'kube-apiserver --oidc-issuer-url and --oidc-ca-file, or --authentication-config jwt[].issuer.url and certificateAuthority',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      for (const a of jwtAuthenticators(cp, host, c)) {
        if (a.pinnedCa || !a.issuerUrl) continue;
        let issuerHost: string;
        try {
          issuerHost = new URL(a.issuerUrl).hostname;
        } catch {
          continue; // authn/jwt-config-invalid reports a malformed URL
        }
        if (isPrivateHost(issuerHost)) report({ component: c, host, evidence: a.at('issuer.certificateAuthority'), detail: `issuer ${a.issuerUrl} is on a private name or address and no CA is pinned` });
      }
    }
  },
});
