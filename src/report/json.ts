/**
 * The JSON output contract of shared/spec/README.md: `{ tool, version, target, kubernetesVersion,
 * findings, graph, summary }`, keys in that order. Tests and CI tools read it; keep it stable.
 */
import type { Graph } from '../model/graph.js';
import type { ScanResult } from '../model/result.js';

export function renderJson(result: ScanResult): string {
  const ordered: ScanResult = {
    tool: result.tool,
    version: result.version,
    target: result.target,
    kubernetesVersion: result.kubernetesVersion,
    findings: result.findings,
    graph: result.graph,
    summary: result.summary,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** `kubeward graph --format json`: the graph alone, as it appears under `graph` in the scan output. */
export function renderGraphJson(graph: Graph): string {
  return `${JSON.stringify({ nodes: graph.nodes, links: graph.links }, null, 2)}\n`;
}
