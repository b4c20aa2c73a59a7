import type { Check } from '../registry.js';

export const tlsChecks: readonly Check[] = [];
