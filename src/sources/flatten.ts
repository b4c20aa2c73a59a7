import type { ConfigField, Location } from '../model/control-plane.js';

/**
 * Flattens a config document into dotted leaves ("authentication.anonymous.enabled"); arrays stay
 * whole values, as the kubelet replaces lists rather than merging them. `lineOf` gives each leaf's line.
 */
export function flattenConfig(doc: unknown, at: (path: string) => Location, prefix = '', out: Record<string, ConfigField> = {}): Record<string, ConfigField> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    if (prefix) out[prefix] = { value: doc, at: at(prefix) };
    return out;
  }
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenConfig(v, at, path, out);
    else out[path] = { value: v, at: at(path) };
  }
  return out;
}
