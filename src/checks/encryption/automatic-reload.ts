import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue, versionOf } from '../../model/effective.js';
import { atLeast } from '../../model/version.js';

export default defineCheck({
  id: 'encryption/automatic-reload',
  practice: 'encryption',
  severity: 'low',
  cis: [],
  title: 'Encryption config changes need an API server restart',
  why: 'A key rotation changes the config three times on every API server (add the key, make it first, remove the old one). Without --encryption-provider-config-automatic-reload (1.26+) each step means restarting every API server, which is why rotations get postponed. With it the servers poll the file; mount the directory, not the file, so edits reach the container.',
  remediation: 'Set --encryption-provider-config-automatic-reload=true and mount the directory holding the config into the API server pod.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#configure-automatic-reloading'],
  reads: 'kube-apiserver --encryption-provider-config, --encryption-provider-config-automatic-reload (1.26+, default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      if (!flag(cp, c, 'encryption-provider-config').value || atLeast(versionOf(cp, c), '1.26') === false) continue;
      const e = flag(cp, c, 'encryption-provider-config-automatic-reload');
      if (!isTrue(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: e.explicit ? `set to ${e.value}` : 'unset (default false)' });
    }
  },
});
