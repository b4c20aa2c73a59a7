import { defineCheck } from '../registry.js';
import type { KeyFacts, NodeFile } from '../../model/control-plane.js';
import { componentsOf, evidenceFor, fileFor, flag, hostOf, nodePathFor } from '../../model/effective.js';

/** Public-key fingerprints a PEM file holds (a private key, a public key or certificates). */
function keysIn(file: NodeFile | undefined): string[] {
  if (!file) return [];
  const keys: Pick<KeyFacts, 'publicKeyFingerprint'>[] = [...(file.privateKey ? [file.privateKey] : []), ...(file.publicKey ? [file.publicKey] : []), ...(file.certificates ?? []).map((c) => c.key)];
  return keys.map((k) => k.publicKeyFingerprint);
}

export default defineCheck({
  id: 'encryption/service-account-keys',
  practice: 'encryption',
  severity: 'medium',
  cis: ['1.2.22', '1.3.4'],
  title: 'Service-account token keys cannot be rotated cleanly',
  why: 'Service-account tokens are verified with --service-account-key-file, which takes several files so that an old public key can stay while tokens signed with a new key take over; that is how the signing key is rotated without invalidating every token at once. Left unset it falls back to the API server\'s TLS key, so the serving certificate and every token are tied to one key. The controller manager signs legacy token Secrets with --service-account-private-key-file, whose public key must be among the verification keys.',
  remediation: 'Set --service-account-key-file (repeat it during a rotation: new and old public keys) on every API server and --service-account-private-key-file on kube-controller-manager, with a dedicated key pair (kubeadm: sa.key / sa.pub).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/'],
  reads: 'kube-apiserver --service-account-key-file, --service-account-signing-key-file; kube-controller-manager --service-account-private-key-file (public-key fingerprints)',
  run(cp, report) {
    const verification = new Set<string>();
    let allKnown = true;
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const keyFile = flag(cp, c, 'service-account-key-file');
      if (!keyFile.value) {
        report({ component: c, host, evidence: evidenceFor(c, keyFile), detail: 'unset: tokens are verified with --tls-private-key-file, the serving key (CIS 1.2.22)' });
        allKnown = false;
        continue;
      }
      const paths = (c.flags['service-account-key-file']?.occurrences ?? []).map((o) => o.value);
      const keys = paths.flatMap((p) => keysIn(host.files[nodePathFor(c, p)]));
      if (keys.length === 0) allKnown = false;
      keys.forEach((k) => verification.add(k));
      const signing = flag(cp, c, 'service-account-signing-key-file');
      const signKey = keysIn(fileFor(host, c, signing))[0];
      if (signKey && keys.length && !keys.includes(signKey)) report({ component: c, host, severity: 'high', evidence: evidenceFor(c, signing), detail: 'the signing key\'s public key is not among --service-account-key-file: tokens this API server issues are rejected' });
    }
    for (const c of componentsOf(cp, 'kube-controller-manager')) {
      const host = hostOf(cp, c);
      const e = flag(cp, c, 'service-account-private-key-file');
      if (!e.value) {
        report({ component: c, host, evidence: evidenceFor(c, e), detail: 'unset: the controller manager does not sign service-account token Secrets with a key the API servers verify (CIS 1.3.4)' });
        continue;
      }
      const key = keysIn(fileFor(host, c, e))[0];
      if (key && allKnown && verification.size > 0 && !verification.has(key)) report({ component: c, host, severity: 'high', evidence: evidenceFor(c, e), detail: 'its public key is not in any API server\'s --service-account-key-file: the tokens it signs are rejected' });
    }
  },
});
