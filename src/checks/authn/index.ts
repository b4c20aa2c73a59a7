import type { Check } from '../registry.js';

export const authnChecks: readonly Check[] = [];
