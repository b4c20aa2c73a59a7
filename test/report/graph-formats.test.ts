import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/model/graph.js';
import { renderDot, renderMermaid, renderSvg } from '../../src/report/graph-formats.js';
import { renderHtml } from '../../src/report/html/page.js';
import { STATE_COLOR } from '../../src/report/html/colors.js';
import { fixedResult } from './fixed-result.js';

/** The fixed result's graph plus a link whose endpoint carries markup and quotes, as a hostile config could. */
function graph(): Graph {
  const g = structuredClone(fixedResult().graph);
  const hostile = 'webhook:"evil"<b>/x';
  g.nodes.push({ id: hostile, kind: 'webhook', host: 'cluster', label: '<img src=x onerror=alert(1)>' });
  g.links.push({
    id: `apiserver-webhook:${g.nodes[0]!.id}->${hostile}`,
    kind: 'apiserver-webhook',
    source: g.nodes[0]!.id,
    target: hostile,
    endpoint: 'http://evil"<x>/',
    encryption: 'plaintext',
    serverVerification: { state: 'unverified' },
    clientAuthentication: { state: 'unknown' },
    state: 'plaintext',
    evidence: [],
  });
  return g;
}

describe('graph formats', () => {
  it('dot matches its golden file and escapes quotes', async () => {
    const dot = renderDot(graph());
    await expect(dot).toMatchFileSnapshot('./golden/graph.dot');
    expect(dot).toContain('"webhook:\\"evil\\"<b>/x"');
    expect(dot).toContain(`color="${STATE_COLOR.plaintext}"`);
  });

  it('mermaid matches its golden file; labels carry no raw quotes or brackets', async () => {
    const m = renderMermaid(graph());
    await expect(m).toMatchFileSnapshot('./golden/graph.mmd');
    for (const line of m.split('\n').filter((l) => l.includes('['))) expect(line).not.toMatch(/\["[^"]*"[^\]]*"\]/);
    expect(m).toContain('linkStyle');
  });

  it('svg matches its golden file, is well-formed XML, and escapes labels', async () => {
    const svg = await renderSvg(graph());
    await expect(svg).toMatchFileSnapshot('./golden/graph.svg');
    expect(svg).not.toContain('<img');
    // an independent XML parser reads it back (Python's expat)
    const count = execFileSync('python3', ['-c', 'import sys,xml.etree.ElementTree as E;r=E.fromstring(sys.stdin.buffer.read());print(len(r.findall(".//{http://www.w3.org/2000/svg}g[@class=\'edge\']")))'], { input: svg }).toString().trim();
    expect(Number(count)).toBe(graph().links.length);
  });

  it('html is deterministic and self-contained', () => {
    const a = renderHtml(fixedResult());
    expect(renderHtml(fixedResult())).toBe(a);
    expect(a).not.toMatch(/<(link|img|iframe)\b|src="http|@import|url\(http/);
    expect(a).toContain('Content-Security-Policy');
  });
});
