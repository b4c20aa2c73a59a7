import { defineCheck } from '../registry.js';
import { certificatesOn, label } from './certificates.js';

export default defineCheck({
  id: 'encryption/weak-certificates',
  practice: 'encryption',
  severity: 'high',
  cis: [],
  title: 'Certificate with a weak key or signature',
  why: 'RSA keys below 2048 bits can be factored with affordable resources, and SHA-1 (or MD5) signatures can be forged by collision, so such a certificate no longer proves who holds it. Go has rejected SHA-1 signatures by default since 1.18, so these certificates also fail in current components. The self-signature of a root CA is not checked by anyone and is not judged.',
  remediation: 'Re-issue with RSA ≥ 2048 (3072 for CAs) or ECDSA P-256, signed with SHA-256 (`kubeward pki renew`).',
  references: ['https://kubernetes.io/docs/setup/best-practices/certificates/', 'https://go.dev/doc/go1.18#sha1'],
  reads: 'key type and size and signature algorithm of every certificate on every host',
  run(cp, report) {
    for (const host of cp.hosts) {
      for (const f of certificatesOn(host)) {
        const component = f.file.path.split('/').at(-1) ?? f.file.path;
        const { key, signatureAlgorithm } = f.cert;
        if (key.type === 'rsa' && key.bits !== undefined && key.bits < 2048) report({ component, host, evidence: f.evidence, detail: `${label(f)}: RSA ${key.bits}-bit key` });
        if (key.type === 'ec' && key.bits !== undefined && key.bits < 256) report({ component, host, evidence: f.evidence, detail: `${label(f)}: ${key.curve ?? `EC ${key.bits}-bit`} key` });
        if (f.cert.selfSigned) continue;
        if (/md5/i.test(signatureAlgorithm)) report({ component, host, evidence: f.evidence, detail: `${label(f)}: signed with ${signatureAlgorithm}` });
        else if (/sha1/i.test(signatureAlgorithm)) report({ component, host, severity: 'medium', evidence: f.evidence, detail: `${label(f)}: signed with ${signatureAlgorithm}` });
      }
    }
  },
});
