/**
 * The HTML report: one self-contained file (inline CSS and script, no fetches; a CSP that allows only
 * the report's own script by hash), rendered with Preact on the server so every value from a
 * manifest, an API object or an audit log is escaped. The summary, the graph and the first page of
 * findings are markup; the rest of the findings and the links' details travel as one JSON block that
 * the script (client.ts) renders on demand, so a 5,000-finding report opens in a browser at once.
 * Renders only; judges nothing.
 */
import { createHash } from 'node:crypto';
import { renderToString } from 'preact-render-to-string';
import { compareText, PRACTICES, SEVERITIES, type Finding, type Severity } from '../../model/finding.js';
import type { ScanResult } from '../../model/result.js';
import { PRACTICE_TITLES } from '../text.js';
import { CLIENT_SCRIPT, PAGE_SIZE } from './client.js';
import { LINK_STATES, STATE_COLOR, STATE_LABEL } from './colors.js';
import { findingRow, jsonForScript, LIST_SEPARATOR, reportData } from './data.js';
import { GraphSvg } from './graph-svg.js';

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#82071e',
  high: '#cf222e',
  medium: '#bc4c00',
  low: '#9a6700',
  info: '#57606a',
};

const STYLE = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#24292f;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}header p{margin:0;color:#d0d7de}
main{padding:16px 24px;max-width:1600px}section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px;margin-bottom:16px}
h2{margin:0 0 12px;font-size:16px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}.sev{display:inline-block;min-width:64px;text-align:center;color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}
${SEVERITIES.map((s) => `.sev-${s}{background:${SEVERITY_COLOR[s]}}`).join('')}
.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#57606a}.warn{color:#9a6700}code,.ev{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.graph-wrap{overflow:auto;max-height:70vh;border:1px solid #eaeef2;border-radius:6px}.graph{display:block;font-family:inherit}
.edge{cursor:pointer}.edge:hover .line,.edge:focus .line,.edge.selected .line{stroke-width:5}.edge:focus{outline:none}
.legend{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}.legend span{display:inline-flex;align-items:center;gap:6px}.swatch{width:24px;height:4px;border-radius:2px;display:inline-block}
.link-detail{border-left:4px solid #d0d7de;padding:8px 12px;margin-top:12px;background:#f6f8fa}.filters{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:12px;align-items:center}
select,input{font:inherit;padding:4px 6px}details summary{cursor:pointer}details p{margin:4px 0}[hidden]{display:none!important}
`;

const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${createHash('sha256').update(CLIENT_SCRIPT).digest('base64')}'; base-uri 'none'; form-action 'none'`;

function PracticeSummary({ findings }: { findings: readonly Finding[] }) {
  const counts = new Map<string, number>();
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const f of findings) {
    bump(`${f.practice} ${f.severity}`);
    bump(f.practice);
  }
  return (
    <table id="practice-summary">
      <thead>
        <tr>
          <th>Practice</th>
          {SEVERITIES.map((s) => (
            <th class="num">{s}</th>
          ))}
          <th class="num">total</th>
        </tr>
      </thead>
      <tbody>
        {PRACTICES.map((p) => (
          <tr data-practice={p}>
            <td>{PRACTICE_TITLES[p]}</td>
            {SEVERITIES.map((s) => (
              <td class="num">{counts.get(`${p} ${s}`) ?? <span class="muted">0</span>}</td>
            ))}
            <td class="num">
              <strong>{counts.get(p) ?? 0}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Labelled({ label, text }: { label: string; text: string }) {
  return text ? (
    <p>
      <strong>{label}: </strong>
      {text}
    </p>
  ) : null;
}

/** One findings row, rendered here for the first page; the script's row() builds the same for the rest. */
function FindingRow({ f }: { f: ReturnType<typeof findingRow> }) {
  return (
    <tr class="finding" data-severity={f.severity} data-practice={f.practice} data-component={f.component} data-link={f.link}>
      <td>
        <span class={`sev sev-${f.severity}`}>{f.severity}</span>
      </td>
      <td>{f.practice}</td>
      <td>
        <details>
          <summary>
            <code>{f.id}</code> {f.title}
          </summary>
          {f.detail && <p>{f.detail}</p>}
          <Labelled label="Why" text={f.why} />
          <Labelled label="Fix" text={f.remediation} />
          <Labelled label="CIS" text={f.cis} />
          {f.probe && (
            <p class="probe">
              <strong>Probe proof: </strong>
              <code>{f.probe}</code>
            </p>
          )}
          {f.references && (
            <p>
              <strong>References: </strong>
              {f.references.split(LIST_SEPARATOR).map((r, i) => (
                <>
                  {i > 0 && ', '}
                  {/^https:\/\//.test(r) ? (
                    <a href={r} rel="noreferrer noopener">
                      {r}
                    </a>
                  ) : (
                    r
                  )}
                </>
              ))}
            </p>
          )}
        </details>
      </td>
      <td>
        {f.component}
        <br />
        <span class="muted">{f.host}</span>
      </td>
      <td class="ev">{f.evidence}</td>
    </tr>
  );
}

function Page({ result }: { result: ScanResult }) {
  const { findings, graph, summary } = result;
  const linkIndex = new Map(graph.links.map((l, i) => [l.id, i]));
  const counts = new Map<string, number>();
  for (const f of findings) if (f.link !== undefined) counts.set(f.link, (counts.get(f.link) ?? 0) + 1);
  const components = [...new Set(findings.map((f) => f.component))].sort(compareText);
  const firstPage = findings.slice(0, PAGE_SIZE);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content={CSP} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>kubeward report: {result.target}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <h1>kubeward control-plane report</h1>
          <p>
            {result.target} · Kubernetes {result.kubernetesVersion ?? 'version unknown'} · {summary.hosts.length} host{summary.hosts.length === 1 ? '' : 's'} · {summary.total} finding{summary.total === 1 ? '' : 's'} · kubeward {result.version}
          </p>
        </header>
        <main>
          {summary.partial.length > 0 && (
            <section id="partial">
              <h2 class="warn">Partial scan</h2>
              <ul>
                {summary.partial.map((p) => (
                  <li>{p}</li>
                ))}
              </ul>
            </section>
          )}
          <section id="summary">
            <h2>Summary per practice</h2>
            <PracticeSummary findings={findings} />
          </section>
          <section id="graph">
            <h2>Control-plane communication</h2>
            <div class="legend">
              {LINK_STATES.map((s) => (
                <span data-legend={s}>
                  <i class="swatch" style={`background:${STATE_COLOR[s]}`} />
                  {STATE_LABEL[s]} ({graph.links.filter((l) => l.state === s).length})
                </span>
              ))}
            </div>
            <p class="muted">Click a link to see how it is secured and the findings about it.</p>
            <div class="graph-wrap">
              <GraphSvg graph={graph} findingsPerLink={counts} />
            </div>
            <p id="link-none" class="muted">
              No link selected.
            </p>
            <section id="link-detail" class="link-detail" hidden />
          </section>
          <section id="findings">
            <h2>
              Findings (<span id="shown">{findings.length}</span> of {findings.length})
            </h2>
            <div class="filters">
              <label>
                Practice{' '}
                <select id="filter-practice">
                  <option value="">all</option>
                  {PRACTICES.map((p) => (
                    <option value={p}>{p}</option>
                  ))}
                </select>
              </label>
              <label>
                Severity{' '}
                <select id="filter-severity">
                  <option value="">all</option>
                  {SEVERITIES.map((s) => (
                    <option value={s}>{s}</option>
                  ))}
                </select>
              </label>
              <label>
                Component{' '}
                <select id="filter-component">
                  <option value="">all</option>
                  {components.map((c) => (
                    <option value={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label>
                Search <input id="filter-text" type="search" placeholder="id, file, flag…" />
              </label>
              <span id="link-filter" hidden>
                showing one link's findings <button id="clear-link" type="button">show all</button>
              </span>
            </div>
            <table id="findings-table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Practice</th>
                  <th>Finding</th>
                  <th>Where</th>
                  <th>Evidence</th>
                </tr>
              </thead>
              <tbody id="findings-rows">
                {firstPage.map((f) => (
                  <FindingRow f={findingRow(f, linkIndex)} />
                ))}
              </tbody>
            </table>
            <p class="muted">
              <span id="listed">{firstPage.length}</span> listed{' '}
              <button id="more" type="button" hidden>
                show more
              </button>
            </p>
            {firstPage.length < findings.length && (
              <p id="no-script" class="warn">
                The first {firstPage.length} findings, most severe first, are listed here; the filters, the link details and the other {findings.length - firstPage.length} need JavaScript. <code>kubeward scan</code> prints them all as text or JSON.
              </p>
            )}
          </section>
        </main>
        <script id="report-data" type="application/json" dangerouslySetInnerHTML={{ __html: jsonForScript(reportData(result)) }} />
        <script dangerouslySetInnerHTML={{ __html: CLIENT_SCRIPT }} />
      </body>
    </html>
  );
}

/** The whole report as one HTML document. */
export function renderHtml(result: ScanResult): string {
  return `<!doctype html>\n${renderToString(<Page result={result} />)}\n`;
}
