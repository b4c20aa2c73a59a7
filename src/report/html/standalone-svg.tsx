import { renderToString } from 'preact-render-to-string';
import type { Graph } from '../../model/graph.js';
import { GraphSvg } from './graph-svg.js';

/** The graph as a standalone SVG document (XML declaration, fonts declared inline). */
export function renderGraphSvg(graph: Graph): string {
  const svg = renderToString(<GraphSvg graph={graph} />).replace('<svg ', '<svg font-family="Helvetica, Arial, sans-serif" ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}
