import { defineCheck } from '../registry.js';
import { componentsOf, evidenceForFile, hostOf } from '../../model/effective.js';
import { encryptionConfigOf } from './encryption-config.js';

/** validation_encryption.go: AES keys 16, 24 or 32 bytes, secretbox exactly 32. */
const VALID: Record<string, number[]> = { aescbc: [16, 24, 32], aesgcm: [16, 24, 32], secretbox: [32] };

export default defineCheck({
  id: 'encryption/key-length',
  practice: 'encryption',
  severity: 'high',
  cis: [],
  title: 'Encryption key has the wrong or a short length',
  why: 'The API server refuses a config whose keys are not 16, 24 or 32 bytes (AES) or exactly 32 bytes (secretbox), so a bad key stops it from starting. Shorter AES keys are valid but below the 32 bytes the Kubernetes documentation asks for.',
  remediation: 'Generate 32 random bytes, base64-encoded (`kubeward encryption keygen` or `head -c 32 /dev/urandom | base64`), and rotate to it.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#encrypting-your-data'],
  reads: 'the EncryptionConfiguration: decoded length of every key (never the key)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const cfg = encryptionConfigOf(cp, host, c);
      if (!cfg) continue;
      cfg.facts.resources.forEach((entry, i) =>
        entry.providers.forEach((p, j) =>
          p.keys.forEach((k, n) => {
            const valid = VALID[p.type];
            if (!valid || k.length === 32) return;
            const evidence = evidenceForFile(cfg.file, { line: k.line ?? p.line ?? null, field: `resources.${i}.providers.${j}.${p.type}.keys.${n}`, value: `${k.length} bytes` });
            if (!valid.includes(k.length)) report({ component: c, host, evidence, detail: `${p.type} key "${k.name}" is ${k.length} bytes (allowed: ${valid.join(', ')}): the API server rejects the config` });
            else report({ component: c, host, severity: 'low', evidence, detail: `${p.type} key "${k.name}" is ${k.length} bytes; use 32` });
          }),
        ),
      );
    }
  },
});
