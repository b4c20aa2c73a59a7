/**
 * The HTML report's embedded data without a browser: the JSON block cannot end its <script> element
 * whatever the values hold, it decodes back to the findings, and the CSP allows exactly the one
 * inline script there is (by its hash). Chromium tests: test/e2e/html-report.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { PAGE_SIZE } from '../../src/report/html/client.js';
import { FINDING_FIELDS, findingRow, jsonForScript, LINK_FIELDS, reportData, type ReportData } from '../../src/report/html/data.js';
import { renderHtml } from '../../src/report/html/page.js';
import { fixedResult } from './fixed-result.js';

const HOSTILE = '</script><script>alert(1)</script><!-- & \u2028 \u2029 <img src=x onerror=alert(2)>';

function hostileResult(): ScanResult {
  const r = fixedResult();
  r.findings = r.findings.map((f, i) => (i === 0 ? { ...f, detail: HOSTILE, evidence: { ...f.evidence, value: HOSTILE } } : f));
  return r;
}

function dataBlock(html: string): string {
  const m = /<script id="report-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no data block');
  return m[1]!;
}

describe('HTML report data', () => {
  it('jsonForScript: no <, >, & or line separators survive, and JSON.parse reads the same value back', () => {
    const text = jsonForScript({ v: HOSTILE });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ v: HOSTILE });
  });

  it('decodes back to every finding and link; each text is stored once', () => {
    const result = fixedResult();
    const data = reportData(result);
    const linkIndex = new Map(result.graph.links.map((l, i) => [l.id, i]));
    expect(data.findingFields).toEqual(FINDING_FIELDS);
    expect(data.linkFields).toEqual(LINK_FIELDS);
    expect(new Set(data.strings).size).toBe(data.strings.length);
    const decoded = data.findings.map((row) => Object.fromEntries(FINDING_FIELDS.map((k, i) => [k, data.strings[row[i]!]])));
    expect(decoded).toEqual(result.findings.map((f) => findingRow(f, linkIndex)));
    const links = data.links.map((row) => Object.fromEntries(LINK_FIELDS.map((k, i) => [k, data.strings[row[i]!]])));
    expect(links.map((l) => `${l.source}->${l.target}`)).toEqual(result.graph.links.map((l) => `${l.source}->${l.target}`));
    // a finding about a link carries that link's index, as the graph's edges do
    const onLink = result.findings.findIndex((f) => f.link !== undefined);
    expect(onLink).toBeGreaterThanOrEqual(0);
    expect(decoded[onLink]!.link).toBe(String(linkIndex.get(result.findings[onLink]!.link!)));
  });

  it('in the page: hostile values stay inside the JSON block, which parses back to them', () => {
    const html = renderHtml(hostileResult());
    const block = dataBlock(html);
    expect(block).not.toMatch(/[<>]/);
    const data = JSON.parse(block) as ReportData;
    expect(data.strings).toContain(HOSTILE);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html.match(/<script\b/g)).toHaveLength(2);
  });

  it('the CSP allows the one inline script by its hash and nothing else', () => {
    const html = renderHtml(fixedResult());
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('renders the first page of findings as markup and says the rest needs JavaScript', () => {
    const base = fixedResult();
    const many: ScanResult = { ...base, findings: Array.from({ length: PAGE_SIZE + 5 }, (_, i) => ({ ...base.findings[i % base.findings.length]!, detail: `n${i}` })) };
    const html = renderHtml(many);
    expect(html.match(/<tr class="finding"/g)).toHaveLength(PAGE_SIZE);
    expect(html).toContain('id="no-script"');
    expect(html).toContain(`the other 5 need JavaScript`);
    expect(renderHtml(base)).not.toContain('id="no-script"');
  });
});
