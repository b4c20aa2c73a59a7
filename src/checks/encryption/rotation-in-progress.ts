import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { describeProvider, encryptionConfigOf, providerEvidence } from './encryption-config.js';

export default defineCheck({
  id: 'encryption/rotation-in-progress',
  practice: 'encryption',
  severity: 'info',
  cis: [],
  title: 'Encryption config holds old keys or providers (rotation or migration in progress)',
  why: 'Keys after the first one, and providers after the first one, only decrypt data written earlier. They are needed while a rotation or a migration runs, and should be removed once every object has been rewritten: until then an old, possibly leaked key still opens part of etcd, and identity after a real provider means plain-text objects may remain.',
  remediation: 'Finish the rotation: rewrite every object of the affected resources (kubectl get secrets -A -o json | kubectl replace -f -, or `kubeward encryption rotate`), check with `kubeward encryption status` that nothing uses the old key, then remove it on every API server.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#rotating-a-decryption-key'],
  reads: 'the EncryptionConfiguration: keys per provider and providers per entry',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const cfg = encryptionConfigOf(cp, host, c);
      if (!cfg) continue;
      cfg.facts.resources.forEach((entry, i) => {
        const [first, ...rest] = entry.providers;
        if (!first) return;
        const what = entry.resources.join(', ');
        if (first.keys.length > 1) report({ component: c, host, evidence: providerEvidence(cfg.file, i, 0, first, first.keys.map((k) => k.name).join(',')), detail: `${what}: ${first.type} writes with "${first.keys[0]?.name}" and keeps ${first.keys.length - 1} older key(s) (${first.keys.slice(1).map((k) => k.name).join(', ')}) for reading` });
        rest.forEach((p, j) => {
          if (first.type === 'identity') return;
          report({ component: c, host, evidence: providerEvidence(cfg.file, i, j + 1, p, describeProvider(p)), detail: p.type === 'identity' ? `${what}: identity after ${describeProvider(first)}: objects written before encryption was enabled may still be plain text` : `${what}: ${describeProvider(p)} after ${describeProvider(first)} only decrypts older objects` });
        });
      });
    }
  },
});
