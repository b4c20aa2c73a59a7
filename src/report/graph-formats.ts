/**
 * The communication graph for other tools: Graphviz DOT, Mermaid, and standalone SVG (the same
 * picture as the HTML report). Colours by link state, as in the report. Labels are escaped for each
 * language because node names and endpoints come from configuration.
 */
import type { Graph } from '../model/graph.js';
import { STATE_COLOR, STATE_LABEL } from './html/colors.js';

export const GRAPH_FORMATS = ['text', 'json', 'dot', 'mermaid', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function renderDot(graph: Graph): string {
  const lines = ['digraph kubeward {', '  rankdir=TB;', '  node [shape=box, style="rounded", fontname="Helvetica"];'];
  for (const n of graph.nodes) lines.push(`  ${dotString(n.id)} [label=${dotString(`${n.kind}\n${n.host}`)}];`);
  for (const l of graph.links) {
    const style = l.state === 'unknown' ? ', style=dashed' : '';
    lines.push(`  ${dotString(l.source)} -> ${dotString(l.target)} [color=${dotString(STATE_COLOR[l.state])}, label=${dotString(STATE_LABEL[l.state])}, tooltip=${dotString(l.id)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid ids must be plain words; labels go in quotes with quotes and angle brackets as entities. */
function mermaidLabel(s: string): string {
  return `"${s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
}

export function renderMermaid(graph: Graph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart TB'];
  for (const n of graph.nodes) lines.push(`  ${ids.get(n.id)}[${mermaidLabel(`${n.kind} ${n.host}`)}]`);
  graph.links.forEach((l) => {
    const from = ids.get(l.source);
    const to = ids.get(l.target);
    if (from && to) lines.push(`  ${from} -->|${mermaidLabel(STATE_LABEL[l.state])}| ${to}`);
  });
  graph.links.forEach((l, i) => lines.push(`  linkStyle ${i} stroke:${STATE_COLOR[l.state]},stroke-width:2px${l.state === 'unknown' ? ',stroke-dasharray:5 5' : ''}`));
  return `${lines.join('\n')}\n`;
}

export async function renderSvg(graph: Graph): Promise<string> {
  const { renderGraphSvg } = await import('./html/standalone-svg.js');
  return renderGraphSvg(graph);
}
