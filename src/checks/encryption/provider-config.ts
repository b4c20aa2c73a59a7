import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, fileFor, flag, hostOf } from '../../model/effective.js';

export default defineCheck({
  id: 'encryption/provider-config',
  practice: 'encryption',
  severity: 'high',
  cis: ['1.2.27'],
  title: 'API server does not encrypt anything at rest',
  why: 'Without --encryption-provider-config every object, Secrets included, is written to etcd in plain text: anyone with an etcd backup, a copy of the data directory or etcd client access reads every password and token of the cluster.',
  remediation: 'Write an EncryptionConfiguration that encrypts at least secrets (KMS v2 or secretbox/aescbc first, identity last while migrating), pass it with --encryption-provider-config on every API server, then rewrite existing Secrets (`kubeward encryption rotate` does the staged procedure).',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/'],
  reads: 'kube-apiserver --encryption-provider-config (and whether the file exists)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const e = flag(cp, c, 'encryption-provider-config');
      if (!e.value) {
        const old = flag(cp, c, 'experimental-encryption-provider-config');
        report({ component: c, host, evidence: evidenceFor(c, old.value ? old : e), detail: old.value ? '--experimental-encryption-provider-config was renamed in 1.13; only --encryption-provider-config is read' : 'no --encryption-provider-config: everything is stored as plain text' });
        continue;
      }
      const file = fileFor(host, c, e);
      if (file && !file.exists) report({ component: c, host, evidence: evidenceFor(c, e), detail: `${file.path} does not exist: the API server will not start` });
    }
  },
});
