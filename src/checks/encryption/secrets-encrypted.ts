import { defineCheck } from '../registry.js';
import { componentsOf, evidenceForFile, hostOf } from '../../model/effective.js';
import { encryptionConfigOf, entryFor, providerEvidence } from './encryption-config.js';

export default defineCheck({
  id: 'encryption/secrets-encrypted',
  practice: 'encryption',
  severity: 'high',
  cis: ['1.2.28'],
  title: 'Secrets are written in plain text despite an encryption config',
  why: 'Only the first provider of the entry that covers a resource encrypts new writes. With identity first, or with secrets covered by no entry (nor `*.` / `*.*`), Secrets go to etcd in plain text while the config file suggests otherwise. kube-bench reads only the first provider of the last `providers:` block; Kubescape passes a list that merely contains aescbc somewhere.',
  remediation: 'Put the encrypting provider first in the entry for secrets (identity may stay last while old data is migrated), restart or reload every API server, then rewrite all Secrets.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#understanding-the-encryption-at-rest-configuration'],
  reads: 'the EncryptionConfiguration: resources entries in order (exact, *., *.*), the first provider of the one that covers secrets',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const cfg = encryptionConfigOf(cp, host, c);
      if (!cfg) continue;
      const found = entryFor(cfg.facts, '', 'secrets');
      if (!found) {
        report({ component: c, host, evidence: evidenceForFile(cfg.file, { field: 'resources', value: cfg.facts.resources.map((r) => r.resources.join(',')).join(' | ') || null }), detail: 'no entry lists secrets (nor *. or *.*): Secrets fall back to identity' });
        continue;
      }
      const first = found.entry.providers[0];
      if (!first || first.type === 'identity') {
        const later = found.entry.providers.slice(1).map((p) => p.type).filter((t) => t !== 'identity');
        report({ component: c, host, evidence: providerEvidence(cfg.file, found.index, 0, first), detail: `identity is the first provider for secrets (entry "${found.via}")${later.length ? `; ${later.join(', ')} after it only decrypt old data` : ''}: new Secrets are stored in plain text` });
      }
    }
  },
});
