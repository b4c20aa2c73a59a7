/** What `scan` produces: the JSON output contract of shared/spec/README.md. */
import type { Finding, Practice, Severity } from './finding.js';
import type { Graph } from './graph.js';

export interface ScanSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byPractice: Record<Practice, number>;
  hosts: string[];
  checksRun: number;
  /** why the scan saw only part of the cluster; empty when it saw all it asked for */
  partial: string[];
  failOn: Severity;
  /** a finding at or above failOn exists (exit code 1) */
  failed: boolean;
}

export interface ScanResult {
  tool: 'kubeward';
  version: string;
  /** what was scanned: node roots, snapshot dirs, or the API server URL */
  target: string;
  kubernetesVersion: string | null;
  findings: Finding[];
  graph: Graph;
  summary: ScanSummary;
}
