import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, versionOf } from '../../model/effective.js';
import { atLeast } from '../../model/version.js';

export default defineCheck({
  id: 'authn/basic-auth-file',
  practice: 'authn',
  severity: 'critical',
  cis: [],
  title: 'API server accepts passwords from a basic-auth file',
  why: 'Before 1.19, --basic-auth-file made the API server accept user names and clear-text passwords from a CSV file: no expiry, no lockout, no second factor, sent with every request. The flag was removed in 1.19; on newer versions the API server refuses to start with it, which is an outage waiting for the next restart.',
  remediation: 'Remove --basic-auth-file; authenticate people through OIDC and upgrade past 1.19.',
  references: ['https://github.com/kubernetes/kubernetes/pull/89069'],
  reads: 'kube-apiserver --basic-auth-file and the Kubernetes version',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const e = flag(cp, c, 'basic-auth-file');
      if (!e.value) continue;
      const removed = atLeast(versionOf(cp, c), '1.19');
      if (removed) report({ component: c, host: hostOf(cp, c), severity: 'medium', evidence: evidenceFor(c, e), detail: 'the flag was removed in 1.19: this API server will not start with it' });
      else report({ component: c, host: hostOf(cp, c), severity: removed === undefined ? 'high' : 'critical', evidence: evidenceFor(c, e), detail: removed === undefined ? 'version unknown: accepted before 1.19, fatal at start-up from 1.19' : 'passwords are accepted from this file' });
    }
  },
});
