import type { Check } from '../registry.js';
import alwaysAllow from './always-allow.js';
import abac from './abac.js';
import nodeAuthorizer from './node-authorizer.js';
import rbacAuthorizer from './rbac-authorizer.js';
import authorizationConfig from './authorization-config.js';
import auditEnabled from './audit-enabled.js';
import auditLogRetention from './audit-log-retention.js';
import auditPolicyLeak from './audit-policy-leak.js';
import auditPolicyCoverage from './audit-policy-coverage.js';
import auditPolicyStages from './audit-policy-stages.js';
import nodeRestriction from './node-restriction.js';
import profiling from './profiling.js';
import serviceAccountCredentials from './service-account-credentials.js';
import adminKubeconfigPermissions from './admin-kubeconfig-permissions.js';
import { rbacRiskChecks } from '../../rbac/risk-checks.js';

export const rbacChecks: readonly Check[] = [
  alwaysAllow,
  abac,
  nodeAuthorizer,
  rbacAuthorizer,
  authorizationConfig,
  auditEnabled,
  auditLogRetention,
  auditPolicyLeak,
  auditPolicyCoverage,
  auditPolicyStages,
  nodeRestriction,
  profiling,
  serviceAccountCredentials,
  adminKubeconfigPermissions,
  ...rbacRiskChecks,
];
