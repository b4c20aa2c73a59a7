import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, fileFor, flag, hostOf } from '../../model/effective.js';

export default defineCheck({
  id: 'authn/token-auth-file',
  practice: 'authn',
  severity: 'high',
  cis: ['1.2.2'],
  title: 'API server accepts static tokens from a file',
  why: 'Tokens in --token-auth-file never expire, cannot be revoked without editing the file and restarting every API server, are stored in clear text on the control-plane disk and are often shared between people. They are exactly the weak built-in user authentication the practice replaces with an identity provider.',
  remediation: 'Move people to OIDC (`kubeward oidc setup`) and automation to service-account tokens or client certificates, then remove --token-auth-file.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file'],
  reads: 'kube-apiserver --token-auth-file and the number of entries in that file',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const e = flag(cp, c, 'token-auth-file');
      if (!e.value) continue;
      const count = fileFor(host, c, e)?.entryCount;
      report({ component: c, host, evidence: evidenceFor(c, e), detail: count === undefined ? `--token-auth-file=${e.value}` : `--token-auth-file=${e.value} holds ${count} token(s)` });
    }
  },
});
