/**
 * Probe results in the scan output contract (ScanResult), so `probe` and `etcd check` render through
 * src/report exactly like `scan`; plus the probe table, which also lists what was secure.
 */
import Table from 'cli-table3';
import type { Finding, Practice, Severity } from '../model/finding.js';
import { atOrAbove, PRACTICES, SEVERITIES } from '../model/finding.js';
import type { ScanResult } from '../model/result.js';
import { VERSION } from '../version.js';
import type { ProbeResult } from './context.js';

export function probeScanResult(findings: Finding[], o: { target: string; failOn: Severity; probesRun: number; partial?: string[] }): ScanResult {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byPractice = Object.fromEntries(PRACTICES.map((p) => [p, 0])) as Record<Practice, number>;
  for (const f of findings) {
    bySeverity[f.severity]++;
    byPractice[f.practice]++;
  }
  return {
    tool: 'kubeward',
    version: VERSION,
    target: o.target,
    kubernetesVersion: null,
    findings,
    graph: { nodes: [], links: [] },
    summary: {
      total: findings.length,
      bySeverity,
      byPractice,
      hosts: [...new Set(findings.map((f) => f.host))].sort(),
      checksRun: o.probesRun,
      partial: o.partial ?? [],
      failOn: o.failOn,
      failed: findings.some((f) => atOrAbove(f.severity, o.failOn)),
    },
  };
}

/** The rows of the probe table as data (JSON output carries them under `probes`). */
export function probeRows(results: readonly ProbeResult[]): { target: string; endpoint: string; probe: string; verdict: string; outcome: string; finding: string | null; details: ProbeResult['evidence']['details'] }[] {
  return results.map((r) => ({
    target: r.evidence.target,
    endpoint: r.endpoint.kind,
    probe: r.evidence.kind,
    verdict: r.verdict,
    outcome: r.evidence.outcome,
    finding: r.finding?.meta.id ?? null,
    details: r.evidence.details,
  }));
}

export function probeTable(results: readonly ProbeResult[], width = 120): string {
  const outcomeWidth = Math.max(30, width - 82);
  const t = new Table({
    head: ['target', 'endpoint', 'probe', 'verdict', 'outcome'],
    colWidths: [32, 19, 26, 14, outcomeWidth],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const r of results) t.push([r.evidence.target, r.endpoint.kind, r.evidence.kind, r.verdict, r.evidence.outcome]);
  return `${t.toString()}\n`;
}
