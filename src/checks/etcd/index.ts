import type { Check } from '../registry.js';

export const etcdChecks: readonly Check[] = [];
