import type { Check } from '../registry.js';
import bootstrapTokenExpiry from './bootstrap-token-expiry.js';
import bootstrapTokenGroups from './bootstrap-token-groups.js';
import bootstrapCsrApproval from './bootstrap-csr-approval.js';
import bootstrapServingCsrs from './bootstrap-serving-csrs.js';

export const tlsChecks: readonly Check[] = [
  bootstrapTokenExpiry,
  bootstrapTokenGroups,
  bootstrapCsrApproval,
  bootstrapServingCsrs,
];
