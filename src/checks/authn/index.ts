import type { Check } from '../registry.js';
import apiserverAnonymousAuth from './apiserver-anonymous-auth.js';
import tokenAuthFile from './token-auth-file.js';
import basicAuthFile from './basic-auth-file.js';
import jwtClaimPrefix from './jwt-claim-prefix.js';
import jwtEmailVerified from './jwt-email-verified.js';
import jwtConfigInvalid from './jwt-config-invalid.js';
import jwtIssuerCa from './jwt-issuer-ca.js';
import oidcLegacyFlags from './oidc-legacy-flags.js';
import systemMastersCerts from './system-masters-certs.js';
import serviceAccountLookup from './service-account-lookup.js';
import serviceAccountTokenExpiration from './service-account-token-expiration.js';
import bootstrapTokenAuth from './bootstrap-token-auth.js';
import webhookTls from './webhook-tls.js';
import kubeletAuthorizationMode from './kubelet-authorization-mode.js';

export const authnChecks: readonly Check[] = [
  apiserverAnonymousAuth,
  tokenAuthFile,
  basicAuthFile,
  jwtClaimPrefix,
  jwtEmailVerified,
  jwtConfigInvalid,
  jwtIssuerCa,
  oidcLegacyFlags,
  systemMastersCerts,
  serviceAccountLookup,
  serviceAccountTokenExpiration,
  bootstrapTokenAuth,
  webhookTls,
  kubeletAuthorizationMode,
];
