/**
 * Typed reads from a parsed config document (NodeFile.document is `unknown`: YAML or JSON as
 * written). Each returns undefined for a missing or wrongly typed node, so a check reads a malformed
 * document the way the API server's decoder would reject it: as absent.
 */
export type DocRecord = Record<string, unknown>;

export function rec(v: unknown): DocRecord | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as DocRecord) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A list of strings (non-strings dropped), e.g. `resources: ["secrets"]`. */
export function strs(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
}
