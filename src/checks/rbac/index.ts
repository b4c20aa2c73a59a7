import type { Check } from '../registry.js';

export const rbacChecks: readonly Check[] = [];
