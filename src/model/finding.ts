/** The output contract of shared/spec/README.md: what every check, probe and engine reports. */

export const PRACTICES = ['tls', 'rbac', 'authn', 'etcd', 'encryption'] as const;
export type Practice = (typeof PRACTICES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for --fail-on and sorting. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** The result of an active network probe, carried as proof (`evidence.probe`). */
export interface ProbeEvidence {
  /** what was tried, e.g. "etcd-no-client-cert" */
  kind: string;
  /** host:port or URL that was contacted */
  target: string;
  /** what happened, in words a reader can check (e.g. "TLS handshake completed without a client certificate; range request answered") */
  outcome: string;
  /** ISO time of the probe */
  at: string;
  /** extra structured facts (TLS version, cipher, HTTP status, ...); never key material or tokens */
  details?: Record<string, string | number | boolean | null>;
}

export type EvidenceSource = 'file' | 'unit' | 'env' | 'proc' | 'api' | 'snapshot' | 'default' | 'probe' | 'etcd' | 'audit';

export interface Evidence {
  source: EvidenceSource;
  /** path relative to the node root (or the snapshot), never with key bytes */
  file: string | null;
  line: number | null;
  flag: string | null;
  /** the effective value that was judged; null when unset (then `source` says whose default applied) */
  value: string | null;
  /** config field path, e.g. "authentication.anonymous.enabled" */
  field: string | null;
  /** API object, e.g. "kube-system/Pod/kube-apiserver-cp-1" */
  object: string | null;
  probe: ProbeEvidence | null;
}

export interface Finding {
  id: string;
  practice: Practice;
  severity: Severity;
  title: string;
  component: string;
  host: string;
  evidence: Evidence;
  why: string;
  remediation: string;
  cis: string[];
  references: string[];
  /** the communication-graph link this finding is about, if any (see model/graph.ts) */
  link?: string;
  /** a sentence specific to this occurrence (which value, which file) */
  detail?: string;
}

export function emptyEvidence(source: EvidenceSource): Evidence {
  return { source, file: null, line: null, flag: null, value: null, field: null, object: null, probe: null };
}

/**
 * Code-unit order: the same on every machine and locale, and it does not pay for loading ICU's
 * collator (localeCompare's first call costs milliseconds, which `scan` startup notices).
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stable order: severity, practice, id, host, component, file, line. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    PRACTICES.indexOf(a.practice) - PRACTICES.indexOf(b.practice) ||
    compareText(a.id, b.id) ||
    compareText(a.host, b.host) ||
    compareText(a.component, b.component) ||
    compareText(a.evidence.file ?? '', b.evidence.file ?? '') ||
    (a.evidence.line ?? 0) - (b.evidence.line ?? 0) ||
    compareText(a.detail ?? '', b.detail ?? '')
  );
}
