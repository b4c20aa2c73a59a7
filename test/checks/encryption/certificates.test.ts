import expiry from '../../../src/checks/encryption/cert-expiry.js';
import weak from '../../../src/checks/encryption/weak-certificates.js';
import type { ControlPlane, KubeconfigFacts } from '../../../src/model/control-plane.js';
import { singleHost, type HostBuilder } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { ca, cert } from '../authn/cert-fixtures.js';

const at = (build: (h: HostBuilder) => unknown, scannedAt = '2026-11-28T12:00:00Z'): ControlPlane => ({ ...singleHost(build), scannedAt });
const kc = (notAfter: string): KubeconfigFacts => ({
  currentContext: 'c',
  clusters: [],
  users: [{ name: 'admin', clientCertificate: '(embedded)', clientCertificates: [cert({ notAfter, fingerprint: `fp-${notAfter}` })], hasToken: false, hasBasicAuth: false, line: 9 }],
  contexts: [],
});

testCheck(expiry, {
  valid: [
    { name: 'valid for months', cp: at((h) => h.file('etc/kubernetes/pki/apiserver.crt', { certificates: [cert({ notAfter: '2027-06-01T00:00:00Z' })] })) },
    { name: 'the same certificate twice in one bundle counts once', cp: at((h) => h.file('etc/kubernetes/pki/ca.crt', { certificates: [ca('k'), ca('k')] })) },
  ],
  invalid: [
    { name: 'expired: critical', cp: at((h) => h.file('etc/kubernetes/pki/apiserver.crt', { certificates: [cert({ notAfter: '2026-11-01T00:00:00Z' })] })), findings: [{ severity: 'critical', file: 'etc/kubernetes/pki/apiserver.crt', detail: 'expired 2026-11-01' }] },
    {
      name: 'one CA copied into a kubeconfig is one finding, naming the other file',
      cp: at((h) =>
        h
          .file('etc/kubernetes/pki/ca.crt', { certificates: [ca('kubernetes', { notAfter: '2026-12-08T12:00:00Z' })] })
          .file('etc/kubernetes/scheduler.conf', { kubeconfig: { clusters: [{ name: 'k', certificateAuthority: '(embedded)', caCertificates: [ca('kubernetes', { notAfter: '2026-12-08T12:00:00Z' })], insecureSkipTlsVerify: false }], users: [], contexts: [] } }),
      ),
      findings: [{ file: 'etc/kubernetes/pki/ca.crt', detail: 'also in etc/kubernetes/scheduler.conf' }],
    },
    { name: 'CA expiring in 10 days: high', cp: at((h) => h.file('etc/kubernetes/pki/ca.crt', { certificates: [ca('kubernetes', { notAfter: '2026-12-08T12:00:00Z' })] })), findings: [{ severity: 'high', detail: 'CA certificate expires 2026-12-08 (in 10 days)' }] },
    { name: 'embedded kubeconfig client certificate', cp: at((h) => h.file('etc/kubernetes/admin.conf', { kubeconfig: kc('2026-12-01T00:00:00Z') })), findings: [{ severity: 'high', line: 9, field: 'users.admin' }] },
  ],
});

testCheck(weak, {
  valid: [
    { name: 'RSA 2048 SHA-256, EC P-256', cp: singleHost((h) => h.file('a.crt', { certificates: [cert(), cert({ fingerprint: 'ec', key: { type: 'ec', bits: 256, curve: 'P-256', publicKeyFingerprint: 'x' }, signatureAlgorithm: 'ecdsa-with-SHA256' })] })) },
    { name: "a root CA's own SHA-1 self-signature is not judged", cp: singleHost((h) => h.file('ca.crt', { certificates: [ca('old-root', { signatureAlgorithm: 'sha1WithRSAEncryption' })] })) },
  ],
  invalid: [
    { name: 'RSA 1024', cp: singleHost((h) => h.file('etc/kubernetes/pki/front-proxy-client.crt', { certificates: [cert({ key: { type: 'rsa', bits: 1024, publicKeyFingerprint: 'k' } })] })), findings: [{ severity: 'high', detail: 'RSA 1024-bit' }] },
    { name: 'SHA-1 signed leaf', cp: singleHost((h) => h.file('etc/kubernetes/pki/apiserver.crt', { certificates: [cert({ signatureAlgorithm: 'sha1WithRSAEncryption' })] })), findings: [{ severity: 'medium', detail: 'sha1WithRSAEncryption' }] },
  ],
});
