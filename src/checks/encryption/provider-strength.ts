import { defineCheck } from '../registry.js';
import type { Component, ControlPlane, EncryptionProviderFacts } from '../../model/control-plane.js';
import type { Severity } from '../../model/finding.js';
import { componentsOf, featureGate, hostOf, isTrue, versionOf } from '../../model/effective.js';
import { compareVersion } from '../../model/version.js';
import { describeProvider, encryptionConfigOf, providerEvidence } from './encryption-config.js';

/** How the first (writing) provider rates, version-aware (checks.md §C.1.8, §D.1). Undefined: nothing to say. */
function rate(cp: ControlPlane, c: Component, p: EncryptionProviderFacts): { severity: Severity; detail: string } | undefined {
  const v = versionOf(cp, c);
  const before = (text: string) => v !== undefined && compareVersion(v, text) < 0;
  switch (p.type) {
    case 'aescbc':
      return { severity: 'low', detail: 'aescbc: CBC without authentication (malleable, padding-oracle prone); upstream rates it weak. Prefer KMS v2, or secretbox' };
    case 'aesgcm':
      return { severity: 'low', detail: 'aesgcm: random 96-bit nonces, so each key must be rotated before about 200,000 writes; only safe with automated rotation (CIS 1.2.28 does not accept it). Prefer KMS v2' };
    case 'secretbox':
      return { severity: 'info', detail: 'secretbox: strong cipher, but its key sits in a file on the control-plane host beside what it protects; KMS v2 keeps the key in an external KMS' };
    case 'kms':
      if ((p.kmsApiVersion ?? 'v1') === 'v1') {
        if (before('1.28')) return { severity: 'low', detail: 'KMS v1: a KMS round trip per write; KMS v2 (beta 1.27, GA 1.29) is faster and supports key-ID based rotation' };
        if (before('1.29')) return { severity: 'medium', detail: 'KMS v1 is deprecated since 1.28; move to KMS v2' };
        return isTrue(featureGate(cp, c, 'KMSv1'))
          ? { severity: 'medium', detail: 'KMS v1 is deprecated and only loads because --feature-gates=KMSv1=true; move to KMS v2' }
          : { severity: 'high', detail: 'KMS v1 is disabled from 1.29 unless --feature-gates=KMSv1=true: this API server will not load the config' };
      }
      if (before('1.25')) return { severity: 'high', detail: 'KMS v2 does not exist before 1.25: this API server will not load the config' };
      if (before('1.27') && !isTrue(featureGate(cp, c, 'KMSv2'))) return { severity: 'medium', detail: 'KMS v2 is alpha before 1.27 and needs --feature-gates=KMSv2=true' };
      return undefined;
    default:
      return undefined;
  }
}

export default defineCheck({
  id: 'encryption/provider-strength',
  practice: 'encryption',
  severity: 'low',
  cis: ['1.2.28'],
  title: 'Encryption at rest uses a weaker provider than KMS v2',
  why: 'The provider that writes decides what protects the data: KMS v2 keeps the key-encryption key outside the host and rotates by key ID; secretbox and the AES providers keep their keys in the config file on every control-plane node; aescbc has no integrity protection and aesgcm\'s random nonces need a key rotation every ~200,000 writes; KMS v1 is deprecated (1.28) and off by default from 1.29.',
  remediation: 'Prefer `kms` with `apiVersion: v2` first; otherwise secretbox. Rotate aesgcm keys automatically, and move KMS v1 configs to v2.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/#providers', 'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/'],
  reads: 'the EncryptionConfiguration: the first provider of every resources entry; the Kubernetes version and KMSv1/KMSv2 feature gates',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const cfg = encryptionConfigOf(cp, host, c);
      if (!cfg) continue;
      cfg.facts.resources.forEach((entry, i) => {
        const first = entry.providers[0];
        if (!first) return;
        const r = rate(cp, c, first);
        if (!r) return;
        report({ component: c, host, severity: r.severity, evidence: providerEvidence(cfg.file, i, 0, first, describeProvider(first)), detail: `${entry.resources.join(', ')}: ${r.detail}` });
      });
    }
  },
});
