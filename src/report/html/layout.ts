/**
 * A deterministic layered layout for the communication graph: etcd at the top, API servers below,
 * their clients and call-outs next, node agents last. Rows wrap so a 100-host cluster stays readable.
 * Pure: the same graph always gives the same picture.
 */
import type { Graph, GraphNode, GraphNodeKind } from '../../model/graph.js';

export const NODE_WIDTH = 172;
export const NODE_HEIGHT = 46;
const COLUMN = 196;
const ROW = 86;
const LAYER_GAP = 34;
const MARGIN = 64;
const PER_ROW = 8;

const LAYER: Record<GraphNodeKind, number> = {
  etcd: 0,
  'kube-apiserver': 1,
  'kube-controller-manager': 2,
  'kube-scheduler': 2,
  webhook: 2,
  'aggregated-api': 2,
  kubelet: 3,
  cni: 3,
};

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, PlacedNode>;
}

export function layoutGraph(graph: Graph): Layout {
  const layers: GraphNode[][] = [[], [], [], []];
  for (const n of graph.nodes) layers[LAYER[n.kind]]!.push(n);
  const rows: GraphNode[][] = [];
  for (const layer of layers) {
    layer.sort((a, b) => (a.host === b.host ? (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) : a.host < b.host ? -1 : 1));
    for (let i = 0; i < layer.length; i += PER_ROW) rows.push(layer.slice(i, i + PER_ROW));
  }
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + (widest - 1) * COLUMN + NODE_WIDTH;
  const nodes = new Map<string, PlacedNode>();
  let y = MARGIN;
  let previousLayer = -1;
  for (const row of rows) {
    const layer = LAYER[row[0]!.kind];
    if (previousLayer !== -1 && layer !== previousLayer) y += LAYER_GAP;
    previousLayer = layer;
    const rowWidth = (row.length - 1) * COLUMN + NODE_WIDTH;
    const x0 = (width - rowWidth) / 2;
    row.forEach((n, i) => nodes.set(n.id, { ...n, x: x0 + i * COLUMN, y }));
    y += ROW;
  }
  return { width, height: y - ROW + NODE_HEIGHT + MARGIN, nodes };
}

/** Does the straight segment between two points pass through a node box other than its ends? */
function crossesNode(layout: Layout, from: PlacedNode, to: PlacedNode, x1: number, y1: number, x2: number, y2: number): boolean {
  for (const n of layout.nodes.values()) {
    if (n.id === from.id || n.id === to.id) continue;
    if (n.y + NODE_HEIGHT < Math.min(y1, y2) || n.y > Math.max(y1, y2)) continue;
    // sample the segment: boxes are large next to the rows' spacing, so a few points suffice
    for (let t = 0.05; t < 1; t += 0.05) {
      const x = x1 + (x2 - x1) * t;
      const y = y1 + (y2 - y1) * t;
      if (x >= n.x - 6 && x <= n.x + NODE_WIDTH + 6 && y >= n.y - 6 && y <= n.y + NODE_HEIGHT + 6) return true;
    }
  }
  return false;
}

/**
 * The path of a link: a curve from the source's edge to the target's. Links between the same two
 * nodes are spread apart (`lane` of `lanes`); one in a single row bows below it; one that would run
 * through another node swings out to the side of the picture, away from the nodes.
 */
export function linkPath(layout: Layout, from: PlacedNode, to: PlacedNode, lane: number, lanes: number): string {
  const spread = lanes > 1 ? (lane - (lanes - 1) / 2) * 16 : 0;
  const fx = from.x + NODE_WIDTH / 2 + spread;
  const tx = to.x + NODE_WIDTH / 2 + spread;
  if (from.y === to.y) {
    const y = from.y + NODE_HEIGHT;
    const bow = 40 + 14 * lane;
    return `M${fx},${y} C${fx},${y + bow} ${tx},${y + bow} ${tx},${y}`;
  }
  const down = to.y > from.y;
  const fy = down ? from.y + NODE_HEIGHT : from.y;
  const ty = down ? to.y : to.y + NODE_HEIGHT;
  if (crossesNode(layout, from, to, fx, fy, tx, ty)) {
    // leave and arrive from the side that faces the nearer edge of the picture
    const left = (fx + tx) / 2 < layout.width / 2;
    const side = left ? Math.min(from.x, to.x) - 30 - lane * 12 : Math.max(from.x, to.x) + NODE_WIDTH + 30 + lane * 12;
    const sx = left ? from.x : from.x + NODE_WIDTH;
    const ex = left ? to.x : to.x + NODE_WIDTH;
    const sy = from.y + NODE_HEIGHT / 2;
    const ey = to.y + NODE_HEIGHT / 2;
    return `M${sx},${sy} C${side},${sy} ${side},${ey} ${ex},${ey}`;
  }
  const mid = (fy + ty) / 2;
  return `M${fx},${fy} C${fx},${mid} ${tx},${mid} ${tx},${ty}`;
}
