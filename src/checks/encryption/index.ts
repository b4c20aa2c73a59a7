import type { Check } from '../registry.js';
import providerConfig from './provider-config.js';
import secretsEncrypted from './secrets-encrypted.js';
import configInvalid from './config-invalid.js';
import providerStrength from './provider-strength.js';
import keyLength from './key-length.js';
import rotationInProgress from './rotation-in-progress.js';
import automaticReload from './automatic-reload.js';
import configMismatch from './config-mismatch.js';
import kubeletServerCertRotation from './kubelet-server-cert-rotation.js';
import certExpiry from './cert-expiry.js';
import weakCertificates from './weak-certificates.js';
import caReuse from './ca-reuse.js';
import serviceAccountKeys from './service-account-keys.js';
import etcdContents from './etcd-contents.js';

export const encryptionChecks: readonly Check[] = [
  providerConfig,
  secretsEncrypted,
  configInvalid,
  providerStrength,
  keyLength,
  rotationInProgress,
  automaticReload,
  configMismatch,
  kubeletServerCertRotation,
  certExpiry,
  weakCertificates,
  caReuse,
  serviceAccountKeys,
  etcdContents,
];
