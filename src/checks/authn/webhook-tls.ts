import { defineCheck } from '../registry.js';
import { componentsOf, fileFor, flag, hostOf } from '../../model/effective.js';
import { webhookTransportProblems } from './webhook-kubeconfig.js';

/** Webhook flags whose kubeconfig the API server trusts with a decision (authentication, authorization) or with the audit trail. */
const WEBHOOK_FLAGS = [
  { flag: 'authentication-token-webhook-config-file', what: 'token authentication webhook' },
  { flag: 'authorization-webhook-config-file', what: 'authorization webhook' },
  { flag: 'audit-webhook-config-file', what: 'audit webhook (its events carry user names and request bodies)' },
] as const;

export default defineCheck({
  id: 'authn/webhook-tls',
  practice: 'authn',
  severity: 'high',
  cis: [],
  title: 'Authentication, authorization or audit webhook is reached without verified TLS',
  why: 'The API server believes whatever the token webhook says a token belongs to, and whatever the authorization webhook decides. Over plain http or without verifying the webhook certificate, anyone on the network path can answer "this token is cluster-admin" or "allowed", or read and drop the audit events on their way to storage.',
  remediation: 'Point the webhook kubeconfig at an https URL and give it certificate-authority(-data) for the webhook server; remove insecure-skip-tls-verify.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#webhook-token-authentication', 'https://kubernetes.io/docs/reference/access-authn-authz/webhook/'],
  reads: 'kube-apiserver --authentication-token-webhook-config-file, --authorization-webhook-config-file, --audit-webhook-config-file and the kubeconfig files they name',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      for (const w of WEBHOOK_FLAGS) {
        const file = fileFor(host, c, flag(cp, c, w.flag));
        if (!file?.exists) continue;
        for (const p of webhookTransportProblems(file)) report({ component: c, host, evidence: p.evidence, detail: `${w.what} (--${w.flag}): ${p.detail}` });
      }
    }
  },
});
