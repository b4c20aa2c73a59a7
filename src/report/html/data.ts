/**
 * What the report's script renders on demand (the findings table page by page, a link's details on a
 * click), embedded once as JSON instead of as DOM: thousands of findings as markup make a page that
 * takes seconds to open. Every value is already a display string (evidence and probe lines, state
 * labels), so the script only places text; it judges and formats nothing.
 *
 * Findings repeat the same texts (a check's why and fix, a host, a file) thousands of times, so all
 * strings go into one table and each record is a row of indexes into it, keyed by a field list.
 */
import type { Finding } from '../../model/finding.js';
import type { GraphLink } from '../../model/graph.js';
import type { ScanResult } from '../../model/result.js';
import { evidenceLine } from '../text.js';
import { STATE_COLOR, STATE_LABEL } from './colors.js';

/** Fields of a finding as the script reads them; `link` is the index of its graph link, or ''. */
export const FINDING_FIELDS = ['severity', 'practice', 'id', 'title', 'component', 'host', 'evidence', 'detail', 'why', 'remediation', 'cis', 'probe', 'references', 'link'] as const;
/** Fields of a graph link as the script reads them; `evidence` holds one line per setting. */
export const LINK_FIELDS = ['source', 'target', 'kind', 'state', 'stateLabel', 'color', 'endpoint', 'encryption', 'serverVerification', 'clientAuthentication', 'evidence'] as const;

type Row<F extends readonly string[]> = Record<F[number], string>;

/** Several values in one field (references, evidence lines) are joined by this; no value holds it after joining. */
export const LIST_SEPARATOR = '\n';

/** The probe proof as one line: what was tried, where, when, what happened, and its facts. */
export function probeLine(f: Finding): string {
  const p = f.evidence.probe;
  return p ? `${p.kind} ${p.target} at ${p.at}: ${p.outcome}${p.details ? ` ${JSON.stringify(p.details)}` : ''}` : '';
}

export function findingRow(f: Finding, linkIndex: ReadonlyMap<string, number>): Row<typeof FINDING_FIELDS> {
  const link = f.link !== undefined ? linkIndex.get(f.link) : undefined;
  return {
    severity: f.severity,
    practice: f.practice,
    id: f.id,
    title: f.title,
    component: f.component,
    host: f.host,
    evidence: evidenceLine(f.evidence),
    detail: f.detail ?? '',
    why: f.why,
    remediation: f.remediation,
    cis: f.cis.join(', '),
    probe: probeLine(f),
    references: f.references.map(oneLine).join(LIST_SEPARATOR),
    link: link !== undefined ? String(link) : '',
  };
}

function linkRow(l: GraphLink): Row<typeof LINK_FIELDS> {
  const by = (v: { state: string; ca?: string }) => (v.ca ? `${v.state} ${v.ca}` : v.state);
  return {
    source: l.source,
    target: l.target,
    kind: l.kind,
    state: l.state,
    stateLabel: STATE_LABEL[l.state],
    color: STATE_COLOR[l.state],
    endpoint: l.endpoint ?? '',
    encryption: l.encryption,
    serverVerification: by(l.serverVerification),
    clientAuthentication: by(l.clientAuthentication),
    evidence: l.evidence.map((e) => oneLine(evidenceLine(e))).join(LIST_SEPARATOR),
  };
}

/** A list item must not split in two when joined: line breaks inside it become spaces. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

export interface ReportData {
  strings: string[];
  findingFields: readonly string[];
  findings: number[][];
  linkFields: readonly string[];
  links: number[][];
}

export function reportData(result: ScanResult): ReportData {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      index.set(s, i);
    }
    return i;
  };
  const linkIndex = new Map(result.graph.links.map((l, i) => [l.id, i]));
  return {
    strings,
    findingFields: FINDING_FIELDS,
    findings: result.findings.map((f) => {
      const row = findingRow(f, linkIndex);
      return FINDING_FIELDS.map((k) => intern(row[k]));
    }),
    linkFields: LINK_FIELDS,
    links: result.graph.links.map((l) => {
      const row = linkRow(l);
      return LINK_FIELDS.map((k) => intern(row[k]));
    }),
  };
}

/**
 * JSON safe inside <script type="application/json">: with `<`, `>` and `&` written as \u escapes no
 * value can close the element (`</script>`) or open a comment (`<!--`) that changes how the HTML
 * parser reads what follows; U+2028/2029 likewise, for any consumer that treats the text as script.
 * JSON.parse reads the escapes back to the same characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
