/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core. The report of the
 * bundled insecure example is opened from disk with every network request recorded (a
 * self-contained report makes none), its graph checked against the scan's JSON, an edge clicked,
 * the table filtered, and a screenshot saved in test-artifacts/. Then a manifest carrying markup
 * and script in flag values and an annotation: shown as text, nothing runs, both in the
 * server-rendered first page and in what the script builds from the JSON block (a searched table,
 * a clicked link's details). Then a report larger than one page: paging, filters and a link click
 * over all findings, and the same file without JavaScript.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { PAGE_SIZE } from '../../src/report/html/client.js';
import { STATE_COLOR } from '../../src/report/html/colors.js';
import { REPO, runCli } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO, 'test-artifacts');

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  dir = mkdtempSync(join(tmpdir(), 'kubeward-html-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a report file; returns the page, every URL it requested besides itself, and any dialogs. */
async function open(file: string): Promise<{ page: Page; requests: string[]; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  const dialogs: string[] = [];
  const self = `file://${file}`;
  page.on('request', (r) => {
    if (r.url() !== self) requests.push(r.url());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(self);
  return { page, requests, dialogs };
}

/** Clicks a link where a person would: on a visible part of its curve (nodes are drawn over links). */
async function clickEdge(page: Page, index: number): Promise<void> {
  const edge = page.locator(`.edge[data-link-index="${index}"] .hit`);
  await edge.scrollIntoViewIfNeeded();
  const at = await edge.evaluate((path: SVGPathElement) => {
    const m = path.getScreenCTM()!;
    for (const t of [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9]) {
      const p = path.getPointAtLength(path.getTotalLength() * t);
      const x = p.x * m.a + p.y * m.c + m.e;
      const y = p.x * m.b + p.y * m.d + m.f;
      if (path.parentElement?.contains(document.elementFromPoint(x, y))) return { x, y };
    }
    return undefined;
  });
  if (!at) throw new Error(`link ${index} has no visible point to click`);
  await page.mouse.click(at.x, at.y);
}

/** The scan result as JSON for `root`, to check the report against. */
async function scanJson(root: string, file: string): Promise<ScanResult> {
  const j = await runCli(['scan', '--node-root', root, '--format', 'json', '--output', file]);
  expect(j.code, j.stderr).toBe(1);
  return JSON.parse(readFileSync(file, 'utf8')) as ScanResult;
}

describe('HTML report in Chromium', () => {
  it('shows the example cluster: graph, colours, edge details, filters', async () => {
    const html = join(dir, 'report.html');
    const json = join(dir, 'report.json');
    const r = await runCli(['report', '--node-root', 'examples/kubeadm-insecure', '--html', html]);
    expect(r.code, r.stderr).toBe(1);
    const result = await scanJson('examples/kubeadm-insecure', json);

    const { page, requests, dialogs } = await open(html);
    expect(await page.locator('.graph .node').count()).toBe(result.graph.nodes.length);
    expect(await page.locator('.graph .edge').count()).toBe(result.graph.links.length);
    for (const [i, link] of result.graph.links.entries()) {
      const edge = page.locator(`.edge[data-link-index="${i}"]`);
      expect(await edge.getAttribute('data-state')).toBe(link.state);
      expect(await edge.locator('.line').getAttribute('stroke')).toBe(STATE_COLOR[link.state]);
    }
    expect(result.findings.length).toBeLessThanOrEqual(PAGE_SIZE);
    expect(await page.locator('#shown').textContent()).toBe(String(result.findings.length));
    expect(await page.locator('tr.finding:visible').count()).toBe(result.findings.length);
    expect(await page.locator('#more').isVisible()).toBe(false);

    // the CNI plugin reaches etcd in plaintext: click that edge, its details and findings show
    const plain = result.graph.links.findIndex((l) => l.state === 'plaintext');
    expect(plain).toBeGreaterThanOrEqual(0);
    const plainLink = result.graph.links[plain]!;
    const onLink = result.findings.filter((f) => f.link === plainLink.id);
    expect(onLink.length).toBeGreaterThan(0);
    await clickEdge(page, plain);
    const detail = page.locator(`#link-detail[data-link-index="${plain}"]`);
    await expect.poll(() => detail.isVisible()).toBe(true);
    expect(await detail.locator('h3').textContent()).toBe(`${plainLink.source} → ${plainLink.target}`);
    expect(await page.locator(`.edge[data-link-index="${plain}"]`).getAttribute('class')).toContain('selected');
    expect(await detail.locator('.link-findings li').count()).toBe(onLink.length);
    expect(await page.locator('tr.finding:visible').count()).toBe(onLink.length);
    expect(await page.locator('#shown').textContent()).toBe(String(onLink.length));
    await page.screenshot({ path: join(ARTIFACTS, 'report-edge-selected.png'), fullPage: false });

    // back to all, then filter by practice and severity
    await page.locator('#clear-link').click();
    await page.selectOption('#filter-practice', 'etcd');
    expect(await page.locator('tr.finding:visible').count()).toBe(result.findings.filter((f) => f.practice === 'etcd').length);
    await page.selectOption('#filter-severity', 'critical');
    expect(await page.locator('tr.finding:visible').count()).toBe(result.findings.filter((f) => f.practice === 'etcd' && f.severity === 'critical').length);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('shows attacker-controlled manifest values as text and runs none of them, in markup and in what the script renders', async () => {
    const root = join(dir, 'hostile');
    cpSync(join(REPO, 'examples/kubeadm-insecure'), root, { recursive: true });
    const manifest = join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml');
    const payload = `<img src=x onerror=alert(1)></script><script>alert(2)</script><!--`;
    const text = readFileSync(manifest, 'utf8')
      .replace('--token-auth-file=/etc/kubernetes/auth/known_tokens.csv', `--token-auth-file=/etc/kubernetes/auth/${payload}.csv`)
      .replace('--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt', `--etcd-cafile=/etc/kubernetes/pki/etcd/${payload}.crt`)
      .replace('  annotations:\n', `  annotations:\n    evil.example.com/note: "${payload}"\n`);
    writeFileSync(manifest, text);
    const html = join(dir, 'hostile.html');
    const r = await runCli(['report', '--node-root', root, '--html', html]);
    expect(r.code, r.stderr).toBe(1);
    const source = readFileSync(html, 'utf8');
    expect(source).not.toContain('<img src=x');
    expect(source).not.toContain('<script>alert');
    expect(source).not.toContain('<!--');
    const result = await scanJson(root, join(dir, 'hostile.json'));

    const { page, requests, dialogs } = await open(html);
    await page.waitForTimeout(300);
    expect(await page.locator('img').count()).toBe(0);
    // the server-rendered first page
    expect(await page.locator('#findings-rows').textContent()).toContain(payload);

    // rows the script builds from the JSON block: a search re-renders the table
    await page.fill('#filter-text', 'alert(2)');
    const hits = result.findings.filter((f) => JSON.stringify(f).includes('alert(2)')).length;
    expect(hits).toBeGreaterThan(0);
    expect(await page.locator('#shown').textContent()).toBe(String(hits));
    expect(await page.locator('tr.finding').count()).toBe(hits);
    expect(await page.locator('#findings-rows').textContent()).toContain(payload);

    // a link's details, built on the click: the API server's etcd CA path holds the payload
    const etcdLink = result.graph.links.findIndex((l) => l.kind === 'apiserver-etcd' && JSON.stringify(l).includes('alert(2)'));
    expect(etcdLink).toBeGreaterThanOrEqual(0);
    await page.fill('#filter-text', '');
    await clickEdge(page, etcdLink);
    const detail = page.locator('#link-detail');
    await expect.poll(() => detail.isVisible()).toBe(true);
    expect(await detail.textContent()).toContain(payload);

    await page.waitForTimeout(300);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('lists a large report a page at a time; filters and link clicks reach every finding; reads without JavaScript', async () => {
    const result = await scanJson('examples/kubeadm-insecure', join(dir, 'example.json'));
    const total = 2 * PAGE_SIZE + 37;
    const big: ScanResult = {
      ...result,
      findings: Array.from({ length: total }, (_, i) => ({ ...result.findings[i % result.findings.length]!, detail: `occurrence ${i}` })),
    };
    const json = join(dir, 'big.json');
    writeFileSync(json, JSON.stringify(big));
    const html = join(dir, 'big.html');
    const r = await runCli(['report', '--from-json', json, '--html', html]);
    expect(r.code, r.stderr).toBe(1);

    const { page, requests, dialogs } = await open(html);
    const rows = page.locator('tr.finding');
    expect(await page.locator('#shown').textContent()).toBe(String(total));
    expect(await rows.count()).toBe(PAGE_SIZE);
    expect(await page.locator('#more').textContent()).toContain(`${total - PAGE_SIZE} not listed`);
    await page.locator('#more').click();
    expect(await rows.count()).toBe(2 * PAGE_SIZE);
    await page.locator('#more').click();
    expect(await rows.count()).toBe(total);
    expect(await page.locator('#more').isVisible()).toBe(false);
    expect(await rows.nth(total - 1).textContent()).toContain(`occurrence ${total - 1}`);

    // filters work on all findings, not only the listed ones
    await page.selectOption('#filter-severity', 'critical');
    const critical = big.findings.filter((f) => f.severity === 'critical').length;
    expect(await page.locator('#shown').textContent()).toBe(String(critical));
    expect(await rows.count()).toBe(Math.min(PAGE_SIZE, critical));
    await page.selectOption('#filter-severity', '');
    await page.fill('#filter-text', `occurrence ${total - 1}`);
    expect(await rows.count()).toBe(1);
    await page.fill('#filter-text', '');

    // the link with the most findings: all of them, though most lie past the first page
    const perLink = big.graph.links.map((l) => big.findings.filter((f) => f.link === l.id).length);
    const busiest = perLink.indexOf(Math.max(...perLink));
    expect(perLink[busiest]).toBeGreaterThan(1);
    await clickEdge(page, busiest);
    await expect.poll(() => page.locator('#shown').textContent()).toBe(String(perLink[busiest]));
    expect(await page.locator('#link-detail .link-findings li').count()).toBe(perLink[busiest]);
    expect(await rows.count()).toBe(Math.min(PAGE_SIZE, perLink[busiest]!));
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();

    // without JavaScript: the summary, the graph and the first page, and a note saying so
    const plain = await browser.newPage({ javaScriptEnabled: false });
    await plain.goto(`file://${html}`);
    expect(await plain.locator('.graph .edge').count()).toBe(big.graph.links.length);
    expect(await plain.locator('tr.finding').count()).toBe(PAGE_SIZE);
    expect(await plain.locator('#no-script').textContent()).toContain(`other ${total - PAGE_SIZE}`);
    expect(await plain.locator('#more').isVisible()).toBe(false);
    await plain.close();
  });
});
