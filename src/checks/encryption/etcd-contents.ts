import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { emptyEvidence } from '../../model/finding.js';
import type { EtcdContentsFacts, EtcdResourceContents } from '../../model/control-plane.js';
import { encryptionConfigOf, entryFor } from './encryption-config.js';

const LOCAL = ['aescbc', 'aesgcm', 'secretbox'];

function evidence(etcd: EtcdContentsFacts, r: EtcdResourceContents, field: string, value: string) {
  return { ...emptyEvidence('etcd' as const), object: `etcd ${etcd.endpoints.join(', ')} ${r.etcdPrefix}${etcd.revision ? ` @ revision ${etcd.revision}` : ''}`, field, value };
}

export default defineCheck({
  id: 'encryption/etcd-contents',
  practice: 'encryption',
  severity: 'high',
  cis: ['1.2.28'],
  title: 'etcd holds objects in plain text, or on keys no API server has',
  why: 'The config file only says how new writes are encrypted. Objects written before encryption was enabled, or before a rotation, keep their old form until rewritten: plain text in etcd (readable by anyone with etcd or backup access), or ciphertext under a key that is no longer configured (the API server cannot read it and the object is lost unless the key is found). Only the stored bytes tell.',
  remediation: 'Rewrite every object of the resource through the API (`kubeward encryption rotate apply`, or kubectl get <resource> -A -o json | kubectl replace -f -) with the encrypting provider first; for objects on a missing key, put the old key back as a later key until they are rewritten. Check again with `kubeward encryption status`.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#verifying-that-data-is-encrypted'],
  reads: 'what etcd holds (kubeward encryption status: provider and key of every value) and the EncryptionConfiguration of every API server',
  appliesTo: (cp) => cp.etcdContents !== undefined,
  run(cp, report) {
    const etcd = cp.etcdContents;
    if (!etcd) return;
    const configs = componentsOf(cp, 'kube-apiserver').flatMap((c) => {
      const cfg = encryptionConfigOf(cp, hostOf(cp, c), c);
      return cfg ? [cfg.facts] : [];
    });
    for (const r of etcd.resources) {
      const dot = r.resource.indexOf('.');
      const [resource, group] = dot < 0 ? [r.resource, ''] : [r.resource.slice(0, dot), r.resource.slice(dot + 1)];
      const entries = configs.map((f) => entryFor(f, group, resource)?.entry);
      const plain = r.formats.filter((f) => f.provider === 'identity').reduce((n, f) => n + f.count, 0);
      const encrypts = entries.some((e) => e?.providers[0] && e.providers[0].type !== 'identity');
      if (plain > 0 && (encrypts || r.resource === 'secrets')) {
        report({
          component: 'etcd',
          host: etcd.endpoints[0] ?? 'etcd',
          evidence: evidence(etcd, r, 'identity', `${plain} of ${r.total}`),
          detail: `${plain} of ${r.total} ${r.resource} are stored in plain text${encrypts ? ' although the API server config encrypts new writes (not rewritten since)' : ''}${r.plaintextKeys.length ? `, e.g. ${r.plaintextKeys.slice(0, 3).join(', ')}` : ''}`,
        });
      }
      if (configs.length === 0) continue;
      for (const f of r.formats) {
        if (!LOCAL.includes(f.provider)) continue;
        const known = entries.some((e) => e?.providers.some((p) => p.type === f.provider && p.keys.some((k) => k.name === f.key)));
        if (known) continue;
        report({
          component: 'etcd',
          host: etcd.endpoints[0] ?? 'etcd',
          evidence: evidence(etcd, r, `${f.provider}:${f.key ?? ''}`, `${f.count} of ${r.total}`),
          detail: `${f.count} ${r.resource} are encrypted with ${f.provider} key "${f.key ?? ''}", which no API server's config has: they cannot be read`,
        });
      }
    }
  },
});
