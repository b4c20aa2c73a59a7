import { defineCheck } from '../registry.js';
import type { Component, ControlPlane, EncryptionConfigFacts } from '../../model/control-plane.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';
import { encryptionConfigOf, entryFor } from './encryption-config.js';

interface Seen {
  c: Component;
  /** the whole config by key fingerprints (key bytes are never in the model) */
  signature: string;
  /** what new Secrets are written with: "aescbc/key2#<fp>", "identity" */
  write: string;
  /** every key (or KMS provider) this server can read Secrets with */
  readable: Set<string>;
}

function keyId(type: string, name: string | undefined, fingerprint?: string): string {
  return fingerprint ? `${type}/${name ?? ''}#${fingerprint}` : `${type}/${name ?? ''}`;
}

function seen(cp: ControlPlane, c: Component): Seen | undefined {
  const cfg = encryptionConfigOf(cp, hostOf(cp, c), c);
  // Set but unreadable: input/unreadable reports it; comparing would guess.
  if (!cfg && flag(cp, c, 'encryption-provider-config').value) return undefined;
  const facts: EncryptionConfigFacts = cfg?.facts ?? { resources: [] };
  const signature = JSON.stringify(facts.resources.map((e) => [e.resources, e.providers.map((p) => [p.type, p.name, p.kmsApiVersion, p.keys.map((k) => `${k.name}#${k.fingerprint}`)])]));
  const providers = entryFor(facts, '', 'secrets')?.entry.providers ?? [];
  const first = providers[0];
  const write = !first || first.type === 'identity' ? 'identity' : keyId(first.type, first.type === 'kms' ? first.name : first.keys[0]?.name, first.keys[0]?.fingerprint);
  const readable = new Set<string>(['identity']);
  for (const p of providers) {
    if (p.type === 'kms') readable.add(keyId(p.type, p.name));
    for (const k of p.keys) readable.add(keyId(p.type, k.name, k.fingerprint));
  }
  return { c, signature, write, readable };
}

export default defineCheck({
  id: 'encryption/config-mismatch',
  practice: 'encryption',
  severity: 'high',
  cis: [],
  title: 'API servers run different encryption configs',
  why: 'All API servers share one etcd: an object written by one must be readable by every other. If one server writes with a key another does not have, reads through that server fail ("no matching prefix"); if the configs merely differ, the next rotation step on a single node loses data. The official rotation adds a key everywhere before any server writes with it.',
  remediation: 'Distribute the same EncryptionConfiguration to every control-plane node (same keys, same order), then restart or let every API server reload before the next rotation step.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#rotating-a-decryption-key'],
  reads: 'the EncryptionConfiguration of every API server across hosts (resources, providers, key names and key fingerprints)',
  run(cp, report) {
    const all = componentsOf(cp, 'kube-apiserver').map((c) => seen(cp, c)).filter((s): s is Seen => s !== undefined);
    if (all.length < 2) return;
    const groups = new Map<string, Seen[]>();
    for (const s of all) groups.set(s.signature, [...(groups.get(s.signature) ?? []), s]);
    if (groups.size < 2) return;
    // The majority config is the reference (the first server's on a tie).
    const reference = [...groups.values()].reduce((a, b) => (b.length > a.length ? b : a));
    const refHosts = reference.map((s) => s.c.host).join(', ');
    for (const s of all) {
      if (reference.includes(s)) continue;
      const unreadable = all.filter((o) => o !== s && !s.readable.has(o.write));
      const e = flag(cp, s.c, 'encryption-provider-config');
      if (unreadable.length) {
        report({ component: s.c, host: hostOf(cp, s.c), evidence: evidenceFor(s.c, e), detail: `cannot read Secrets that ${unreadable.map((o) => `${o.c.host} writes with ${o.write.split('#')[0]}`).join('; ')}` });
      } else {
        const differs = s.write !== reference[0]!.write ? `writes Secrets with ${s.write.split('#')[0]} while ${refHosts} use ${reference[0]!.write.split('#')[0]}` : `config differs from ${refHosts} (providers, keys or their order)`;
        report({ component: s.c, host: hostOf(cp, s.c), severity: 'medium', evidence: evidenceFor(s.c, e), detail: differs });
      }
    }
  },
});
