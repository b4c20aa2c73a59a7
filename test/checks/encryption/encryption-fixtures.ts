/** EncryptionConfiguration facts as the source records them (key names, lengths, fingerprints; never key bytes). */
import type { EncryptionConfigFacts, EncryptionProviderFacts } from '../../../src/model/control-plane.js';
import { controlPlane, singleHost } from '../../helpers/fixture.js';

export const ENC_PATH = 'etc/kubernetes/enc/encryption-config.yaml';
export const ENC_FLAG = '--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml';

export function provider(type: string, keys: [name: string, length?: number, fingerprint?: string][] = [], extra: Partial<EncryptionProviderFacts> = {}, line?: number): EncryptionProviderFacts {
  const p: EncryptionProviderFacts = { type, keys: keys.map(([name, length = 32, fingerprint = `fp-${name}`], i) => ({ name, length, fingerprint, line: (line ?? 0) + 2 + i })), ...extra };
  if (line !== undefined) p.line = line;
  return p;
}

export function config(entries: [resources: string[], providers: EncryptionProviderFacts[]][]): EncryptionConfigFacts {
  return { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: entries.map(([resources, providers], i) => ({ resources, providers, line: 3 + 10 * i })) };
}

export function withConfig(facts: EncryptionConfigFacts, args: string[] = [], version?: string) {
  return singleHost((h) => h.apiserver([ENC_FLAG, ...args], version ? { version } : {}).file(ENC_PATH, { encryptionConfig: facts }));
}

export function twoServers(a: EncryptionConfigFacts | undefined, b: EncryptionConfigFacts | undefined) {
  return controlPlane()
    .host('cp-1', (h) => (a ? h.apiserver([ENC_FLAG]).file(ENC_PATH, { encryptionConfig: a }) : h.apiserver([])))
    .host('cp-2', (h) => (b ? h.apiserver([ENC_FLAG]).file(ENC_PATH, { encryptionConfig: b }) : h.apiserver([])))
    .build();
}
