import { defineCheck } from '../registry.js';
import { componentsOf, evidenceForFile, hostOf, versionOf } from '../../model/effective.js';
import { atLeast } from '../../model/version.js';
import { encryptionConfigOf, providerEvidence } from './encryption-config.js';

const PROVIDER_TYPES = ['aescbc', 'aesgcm', 'secretbox', 'kms', 'identity'];
/** validation_encryption.go: resources without a REST API, and groups that must be named otherwise. */
const REJECTED = ['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'];

/** What a wildcard entry covers: "*.*" everything, "*.<group>" one group ("*." the core group). */
function masks(wildcard: string, resource: string): boolean {
  if (wildcard === '*.*') return true;
  if (!wildcard.startsWith('*.')) return false;
  const group = wildcard.slice(2);
  const dot = resource.indexOf('.');
  return (dot < 0 ? '' : resource.slice(dot + 1)) === group;
}

export default defineCheck({
  id: 'encryption/config-invalid',
  practice: 'encryption',
  severity: 'high',
  cis: ['1.2.28'],
  title: 'Encryption config will be rejected by the API server',
  why: 'The API server validates the EncryptionConfiguration at start-up (and on automatic reload): a rejected file keeps it from starting, or keeps the previous config in force after a reload, so a rotation step silently does not happen. The rules are strict: one provider type per item, wildcards only as `*.<group>`/`*.*` (1.27+), no resource after a wildcard that already covers it, KMS v2 names unique and without ":".',
  remediation: 'Fix the entry named in the finding and check the file with `kubeward scan` before rolling it out to every API server.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/', 'staging/src/k8s.io/apiserver/pkg/apis/apiserver/validation/validation_encryption.go'],
  reads: 'the EncryptionConfiguration: kind, resources entries, provider types and KMS names; the Kubernetes version',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const cfg = encryptionConfigOf(cp, host, c);
      if (!cfg) continue;
      const { file, facts } = cfg;
      const emit = (line: number | undefined, field: string, value: string | null, detail: string) => report({ component: c, host, evidence: evidenceForFile(file, { line: line ?? null, field, value }), detail });
      if (facts.kind !== undefined && facts.kind !== 'EncryptionConfiguration') emit(undefined, 'kind', facts.kind, `kind ${facts.kind} is not EncryptionConfiguration`);
      if (facts.resources.length === 0) emit(undefined, 'resources', null, 'no resources entries');
      const wildcardsOk = atLeast(versionOf(cp, c), '1.27') !== false;
      const kmsV2Names = new Map<string, number>();
      const seenWildcards: string[] = [];
      facts.resources.forEach((entry, i) => {
        const at = `resources.${i}`;
        if (entry.resources.length === 0) emit(entry.line, `${at}.resources`, null, `entry ${i} lists no resources`);
        if (entry.providers.length === 0) emit(entry.line, `${at}.providers`, null, `entry ${i} has no providers`);
        for (const r of entry.resources) {
          if (r === '*') emit(entry.line, `${at}.resources`, r, 'a bare "*" is rejected: use "*.*" (all) or "*." (core group)');
          else if (r !== r.toLowerCase()) emit(entry.line, `${at}.resources`, r, `resource "${r}" must be lowercase`);
          else if (REJECTED.includes(r.split('.')[0] ?? '')) emit(entry.line, `${at}.resources`, r, `"${r}" has no REST API and cannot be encrypted`);
          else if (/\.(events\.k8s\.io|extensions)$/.test(r)) emit(entry.line, `${at}.resources`, r, `"${r}": name the resource without that group (events, or the current group)`);
          else if (r.endsWith('.*') && r !== '*.*') emit(entry.line, `${at}.resources`, r, `"${r}": "<resource>.*" is not supported`);
          else if (r.startsWith('*.') && !wildcardsOk) emit(entry.line, `${at}.resources`, r, `wildcard "${r}" needs Kubernetes 1.27 or newer`);
          const masking = seenWildcards.find((w) => w !== r && masks(w, r));
          if (masking) emit(entry.line, `${at}.resources`, r, `"${r}" is masked by the earlier "${masking}" entry: the API server rejects the config`);
        }
        seenWildcards.push(...entry.resources.filter((r) => r.startsWith('*.')));
        entry.providers.forEach((p, j) => {
          if (!PROVIDER_TYPES.includes(p.type)) report({ component: c, host, evidence: providerEvidence(file, i, j, p), detail: `unknown provider "${p.type}" (each item sets exactly one of ${PROVIDER_TYPES.join(', ')})` });
          if (p.type === 'kms' && p.kmsApiVersion === 'v2' && p.name) {
            if (p.name.includes(':')) report({ component: c, host, evidence: providerEvidence(file, i, j, p, p.name), detail: `KMS v2 name "${p.name}" must not contain ":"` });
            const earlier = kmsV2Names.get(p.name);
            if (earlier !== undefined) report({ component: c, host, evidence: providerEvidence(file, i, j, p, p.name), detail: `KMS v2 name "${p.name}" is already used in entry ${earlier}; names must be unique` });
            else kmsV2Names.set(p.name, i);
          }
          if (['aescbc', 'aesgcm', 'secretbox'].includes(p.type) && p.keys.length === 0) report({ component: c, host, evidence: providerEvidence(file, i, j, p), detail: `${p.type} without keys` });
        });
      });
    }
  },
});
