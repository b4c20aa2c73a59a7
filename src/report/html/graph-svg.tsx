/**
 * The communication graph as SVG: nodes in the computed layout, links coloured by state. Each link
 * is a focusable group carrying its index, so the report's script can show that link's details.
 */
import type { Graph } from '../../model/graph.js';
import { STATE_COLOR, STATE_LABEL } from './colors.js';
import { layoutGraph, linkPath, NODE_HEIGHT, NODE_WIDTH } from './layout.js';

const KIND_LABEL: Record<string, string> = {
  'kube-apiserver': 'API server',
  'kube-controller-manager': 'controller-manager',
  'kube-scheduler': 'scheduler',
  etcd: 'etcd',
  kubelet: 'kubelet',
  cni: 'CNI',
  webhook: 'webhook',
  'aggregated-api': 'aggregated API',
};

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function GraphSvg({ graph, findingsPerLink }: { graph: Graph; findingsPerLink?: ReadonlyMap<string, number> }) {
  const layout = layoutGraph(graph);
  const pairKey = (a: string, b: string) => [a, b].sort().join('|');
  const perPair = new Map<string, number>();
  for (const l of graph.links) perPair.set(pairKey(l.source, l.target), (perPair.get(pairKey(l.source, l.target)) ?? 0) + 1);
  const lanes = new Map<string, number>();
  return (
    <svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox={`0 0 ${layout.width} ${layout.height}`} width={layout.width} height={layout.height} role="img" aria-label="control-plane communication graph">
      <defs>
        {Object.entries(STATE_COLOR).map(([state, color]) => (
          <marker id={`arrow-${state}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={color} />
          </marker>
        ))}
      </defs>
      <g class="links">
        {graph.links.map((l, i) => {
          const from = layout.nodes.get(l.source);
          const to = layout.nodes.get(l.target);
          if (!from || !to) return null;
          const pair = pairKey(l.source, l.target);
          const lane = lanes.get(pair) ?? 0;
          lanes.set(pair, lane + 1);
          const d = linkPath(layout, from, to, lane, perPair.get(pair) ?? 1);
          const count = findingsPerLink?.get(l.id) ?? 0;
          return (
            <g class="edge" data-link-index={String(i)} data-state={l.state} tabIndex={0} role="button" aria-label={`${l.source} to ${l.target}: ${STATE_LABEL[l.state]}`}>
              <title>{`${l.source} → ${l.target}${l.endpoint ? ` (${l.endpoint})` : ''}: ${STATE_LABEL[l.state]}${count ? `; ${count} finding(s)` : ''}`}</title>
              <path class="hit" d={d} fill="none" stroke="transparent" stroke-width="14" />
              <path class="line" d={d} fill="none" stroke={STATE_COLOR[l.state]} stroke-width={count ? 3 : 2} stroke-dasharray={l.state === 'unknown' ? '6 4' : undefined} marker-end={`url(#arrow-${l.state})`} />
            </g>
          );
        })}
      </g>
      <g class="nodes">
        {[...layout.nodes.values()].map((n) => (
          <g class="node" data-node={n.id} data-kind={n.kind}>
            <title>{n.id}</title>
            <rect x={n.x} y={n.y} width={NODE_WIDTH} height={NODE_HEIGHT} rx="8" fill="#ffffff" stroke="#57606a" stroke-width="1.2" />
            <text x={n.x + NODE_WIDTH / 2} y={n.y + 19} text-anchor="middle" font-size="13" font-weight="600" fill="#24292f">
              {KIND_LABEL[n.kind] ?? n.kind}
            </text>
            <text x={n.x + NODE_WIDTH / 2} y={n.y + 36} text-anchor="middle" font-size="11" fill="#57606a">
              {clip(n.kind === 'webhook' || n.kind === 'aggregated-api' ? n.label : n.host, 26)}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}
