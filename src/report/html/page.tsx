/**
 * The HTML report: one self-contained file (inline CSS and script, no fetches; a CSP that allows only
 * the report's own script by hash), rendered with Preact on the server so every value from a
 * manifest, an API object or an audit log is escaped. Renders only; judges nothing.
 */
import { createHash } from 'node:crypto';
import { renderToString } from 'preact-render-to-string';
import { PRACTICES, SEVERITIES, type Finding, type Practice, type Severity } from '../../model/finding.js';
import type { GraphLink } from '../../model/graph.js';
import type { ScanResult } from '../../model/result.js';
import { evidenceLine, PRACTICE_TITLES } from '../text.js';
import { LINK_STATES, STATE_COLOR, STATE_LABEL } from './colors.js';
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
.num{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#57606a}.warn{color:#9a6700}code,.ev{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.graph-wrap{overflow:auto;max-height:70vh;border:1px solid #eaeef2;border-radius:6px}.graph{display:block;font-family:inherit}
.edge{cursor:pointer}.edge:hover .line,.edge:focus .line,.edge.selected .line{stroke-width:5}.edge:focus{outline:none}
.legend{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}.legend span{display:inline-flex;align-items:center;gap:6px}.swatch{width:24px;height:4px;border-radius:2px;display:inline-block}
.link-detail{border-left:4px solid #d0d7de;padding:8px 12px;margin-top:12px;background:#f6f8fa}.filters{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:12px;align-items:center}
select,input{font:inherit;padding:4px 6px}details summary{cursor:pointer}details p{margin:4px 0}tr[hidden],section[hidden]{display:none}
`;

/** Filters the findings table and shows a link's details on a click; reads only the page's own DOM. */
const SCRIPT = `(function(){
var rows=Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
var f={practice:'',severity:'',component:'',link:'',text:''};
function el(id){return document.getElementById(id);}
function apply(){var shown=0;rows.forEach(function(r){var ok=(!f.practice||r.getAttribute('data-practice')===f.practice)&&(!f.severity||r.getAttribute('data-severity')===f.severity)&&(!f.component||r.getAttribute('data-component')===f.component)&&(!f.link||r.getAttribute('data-link')===f.link)&&(!f.text||r.textContent.toLowerCase().indexOf(f.text)>=0);r.hidden=!ok;if(ok)shown++;});el('shown').textContent=String(shown);el('link-filter').hidden=!f.link;}
['practice','severity','component'].forEach(function(k){el('filter-'+k).addEventListener('change',function(e){f[k]=e.target.value;apply();});});
el('filter-text').addEventListener('input',function(e){f.text=e.target.value.toLowerCase();apply();});
function select(i){Array.prototype.forEach.call(document.querySelectorAll('.link-detail'),function(s){s.hidden=s.getAttribute('data-link-index')!==i;});Array.prototype.forEach.call(document.querySelectorAll('.edge'),function(e){e.classList.toggle('selected',e.getAttribute('data-link-index')===i);});el('link-none').hidden=i!=='';f.link=i;apply();}
Array.prototype.forEach.call(document.querySelectorAll('.edge'),function(e){e.addEventListener('click',function(){select(e.getAttribute('data-link-index'));});e.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();select(e.getAttribute('data-link-index'));}});});
el('clear-link').addEventListener('click',function(){select('');});
apply();})();`;

const CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; base-uri 'none'; form-action 'none'`;

function Severity({ s }: { s: Severity }) {
  return (
    <span class="sev" style={`background:${SEVERITY_COLOR[s]}`}>
      {s}
    </span>
  );
}

function PracticeSummary({ findings }: { findings: readonly Finding[] }) {
  const count = (p: Practice, s: Severity) => findings.filter((f) => f.practice === p && f.severity === s).length;
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
              <td class="num">{count(p, s) || <span class="muted">0</span>}</td>
            ))}
            <td class="num">
              <strong>{findings.filter((f) => f.practice === p).length}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FindingDetails({ f }: { f: Finding }) {
  const probe = f.evidence.probe;
  return (
    <details>
      <summary>
        <code>{f.id}</code> {f.title}
      </summary>
      {f.detail && <p>{f.detail}</p>}
      <p>
        <strong>Why: </strong>
        {f.why}
      </p>
      <p>
        <strong>Fix: </strong>
        {f.remediation}
      </p>
      {f.cis.length > 0 && (
        <p>
          <strong>CIS: </strong>
          {f.cis.join(', ')}
        </p>
      )}
      {probe && (
        <p class="probe">
          <strong>Probe proof: </strong>
          <code>
            {probe.kind} {probe.target} at {probe.at}: {probe.outcome}
            {probe.details ? ` ${JSON.stringify(probe.details)}` : ''}
          </code>
        </p>
      )}
      {f.references.length > 0 && (
        <p>
          <strong>References: </strong>
          {f.references.map((r, i) => (
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
  );
}

function LinkDetail({ link, index, findings }: { link: GraphLink; index: number; findings: readonly Finding[] }) {
  return (
    <section class="link-detail" data-link-index={String(index)} hidden style={`border-left-color:${STATE_COLOR[link.state]}`}>
      <h3>
        {link.source} → {link.target}
      </h3>
      <p>
        <strong>{STATE_LABEL[link.state]}</strong> <span class="muted">({link.kind})</span>
        {link.endpoint && (
          <>
            {' '}
            <code>{link.endpoint}</code>
          </>
        )}
      </p>
      <ul>
        <li>encryption: {link.encryption}</li>
        <li>
          server verification: {link.serverVerification.state}
          {link.serverVerification.ca && <code> {link.serverVerification.ca}</code>}
        </li>
        <li>
          client authentication: {link.clientAuthentication.state}
          {link.clientAuthentication.ca && <code> {link.clientAuthentication.ca}</code>}
        </li>
      </ul>
      {link.evidence.length > 0 && (
        <>
          <strong>Derived from</strong>
          <ul>
            {link.evidence.map((e) => (
              <li class="ev">{evidenceLine(e)}</li>
            ))}
          </ul>
        </>
      )}
      <strong class="link-findings-title">
        {findings.length} finding{findings.length === 1 ? '' : 's'} on this link
      </strong>
      <ul class="link-findings">
        {findings.map((f) => (
          <li>
            <Severity s={f.severity} /> <code>{f.id}</code> {f.title} <span class="muted">({f.host})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Page({ result }: { result: ScanResult }) {
  const { findings, graph, summary } = result;
  const linkIndex = new Map(graph.links.map((l, i) => [l.id, i]));
  const perLink = new Map<string, Finding[]>();
  for (const f of findings) if (f.link !== undefined) perLink.set(f.link, [...(perLink.get(f.link) ?? []), f]);
  const counts = new Map([...perLink].map(([k, v]) => [k, v.length]));
  const components = [...new Set(findings.map((f) => f.component))].sort();
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
            {graph.links.map((l, i) => (
              <LinkDetail link={l} index={i} findings={perLink.get(l.id) ?? []} />
            ))}
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
              <tbody>
                {findings.map((f) => (
                  <tr class="finding" data-practice={f.practice} data-severity={f.severity} data-component={f.component} data-link={f.link !== undefined ? String(linkIndex.get(f.link) ?? '') : ''}>
                    <td>
                      <Severity s={f.severity} />
                    </td>
                    <td>{f.practice}</td>
                    <td>
                      <FindingDetails f={f} />
                    </td>
                    <td>
                      {f.component}
                      <br />
                      <span class="muted">{f.host}</span>
                    </td>
                    <td class="ev">{evidenceLine(f.evidence)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </main>
        <script dangerouslySetInnerHTML={{ __html: SCRIPT }} />
      </body>
    </html>
  );
}

/** The whole report as one HTML document. */
export function renderHtml(result: ScanResult): string {
  return `<!doctype html>\n${renderToString(<Page result={result} />)}\n`;
}
