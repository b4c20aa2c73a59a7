import type { Check } from '../registry.js';

export const encryptionChecks: readonly Check[] = [];
