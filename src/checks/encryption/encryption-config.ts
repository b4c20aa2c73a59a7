/**
 * The EncryptionConfiguration an API server loads (--encryption-provider-config) and how it resolves
 * a resource. staging/src/k8s.io/apiserver/pkg/server/options/encryptionconfig/config.go: an exact
 * `resource.group` entry wins, then `*.<group>` (`*.` for the core group), then `*.*`; nothing
 * matching means identity (plain text). Writes use the first provider (and its first key).
 */
import type { Component, ControlPlane, EncryptionConfigFacts, EncryptionProviderFacts, EncryptionResourceFacts, Host, NodeFile } from '../../model/control-plane.js';
import { evidenceForFile, fileFor, flag, type Effective } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

export interface LoadedEncryptionConfig {
  setting: Effective;
  file: NodeFile;
  facts: EncryptionConfigFacts;
}

/** The parsed config of an API server; undefined when the flag is unset or the file was not read (input/unreadable says why). */
export function encryptionConfigOf(cp: ControlPlane, host: Host, c: Component): LoadedEncryptionConfig | undefined {
  const setting = flag(cp, c, 'encryption-provider-config');
  if (!setting.value) return undefined;
  const file = fileFor(host, c, setting);
  if (!file?.exists || file.error || !file.encryptionConfig) return undefined;
  return { setting, file, facts: file.encryptionConfig };
}

/** The entry that decides how `resource` in `group` ("" = core) is written, in the loader's order of precedence. */
export function entryFor(facts: EncryptionConfigFacts, group: string, resource: string): { entry: EncryptionResourceFacts; index: number; via: string } | undefined {
  const exact = group ? `${resource}.${group}` : resource;
  const candidates = [exact, ...(group ? [] : [`${resource}.`]), `*.${group}`, '*.*'];
  for (const name of candidates) {
    const index = facts.resources.findIndex((e) => e.resources.includes(name));
    const entry = facts.resources[index];
    if (entry) return { entry, index, via: name };
  }
  return undefined;
}

export function providerEvidence(file: NodeFile, entryIndex: number, providerIndex: number, p: EncryptionProviderFacts | undefined, value: string | null = p?.type ?? null): Evidence {
  return evidenceForFile(file, { line: p?.line ?? null, field: `resources.${entryIndex}.providers.${providerIndex}`, value });
}

/** "aescbc", "kms v2 (vault)" */
export function describeProvider(p: EncryptionProviderFacts): string {
  return p.type === 'kms' ? `kms ${p.kmsApiVersion ?? 'v1'}${p.name ? ` (${p.name})` : ''}` : p.type;
}
