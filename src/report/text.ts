/**
 * The default, human-readable report: findings grouped by practice, each with the line of evidence
 * a reader can go and look at, then the communication graph and a summary. Renders only; judges nothing.
 */
import picocolors from 'picocolors';
import type { Evidence, Finding, Practice, Severity } from '../model/finding.js';
import { PRACTICES } from '../model/finding.js';
import type { Graph, GraphLink, LinkState } from '../model/graph.js';
import type { ScanResult } from '../model/result.js';

type Colors = ReturnType<typeof picocolors.createColors>;

export interface TextOptions {
  /** ANSI colours (the CLI turns them on only when stdout is a terminal) */
  color?: boolean;
  /** wrap width for the why/fix paragraphs */
  width?: number;
}

export const PRACTICE_TITLES: Record<Practice, string> = {
  tls: 'TLS everywhere',
  rbac: 'RBAC and audit',
  authn: 'Authentication (third-party auth, anonymous access, tokens)',
  etcd: 'etcd isolation',
  encryption: 'Encryption at rest',
};

/**
 * One line saying where the judged value came from, e.g.
 * `etc/kubernetes/manifests/kube-apiserver.yaml:17 --kubelet-certificate-authority (unset; no default)`.
 */
export function evidenceLine(e: Evidence): string {
  const parts: string[] = [];
  const where = e.file !== null ? (e.line !== null ? `${e.file}:${e.line}` : e.file) : e.object;
  if (where !== null) parts.push(where);
  if (e.file !== null && e.object !== null) parts.push(`(${e.object})`);
  const setting = e.flag ?? e.field;
  if (setting !== null) {
    const named = e.flag !== null && e.field !== null ? `${e.flag} / ${e.field}` : setting;
    if (e.source === 'default') parts.push(`${named} (unset; ${e.value === null ? 'no default' : `default ${e.value}`})`);
    else parts.push(e.value === null ? `${named} (unset)` : `${named}=${e.value}`);
  } else if (e.value !== null) {
    parts.push(e.value);
  }
  if (e.probe) parts.push(`probe ${e.probe.kind} ${e.probe.target}: ${e.probe.outcome}`);
  if (parts.length === 0) parts.push(`(${e.source})`);
  return parts.join(' ');
}

/** A link as one line: `kube-apiserver@cp-1 → etcd@cp-1 https://127.0.0.1:2379: server verified (…), client certificate (…)`. */
export function linkLine(l: GraphLink): string {
  const by = (ca: string | undefined) => (ca ? ` by ${shortenFingerprints(ca)}` : '');
  const server = l.serverVerification.state + by(l.serverVerification.ca);
  const client = l.clientAuthentication.state + by(l.clientAuthentication.ca);
  return `${l.source} → ${l.target}${l.endpoint ? ` ${l.endpoint}` : ''}: ${l.encryption}, server ${server}, client ${client}`;
}

/**
 * Config values and API objects are untrusted: a control character (an ANSI escape in a flag value)
 * must not reach the terminal, where it could recolour or hide lines. Shown escaped instead.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A reader compares fingerprints by their first hex digits; the full value is in the JSON output. */
function shortenFingerprints(text: string): string {
  return text.replace(/\b(sha256:[0-9a-f]{12})[0-9a-f]{20,}/g, '$1…');
}

function severityLabel(s: Severity, c: Colors): string {
  const label = s.toUpperCase().padEnd(8);
  switch (s) {
    case 'critical':
      return c.bold(c.red(label));
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.cyan(label);
    case 'info':
      return c.dim(label);
  }
}

function stateLabel(s: LinkState, c: Colors): string {
  const label = s.padEnd(15);
  switch (s) {
    case 'mtls':
    case 'tls':
      return c.green(label);
    case 'tls-unverified':
      return c.yellow(label);
    case 'plaintext':
      return c.red(label);
    case 'unknown':
      return c.dim(label);
  }
}

/** Greedy word wrap with a hanging indent (the first line's prefix is written by the caller). */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

function renderFinding(f: Finding, c: Colors, width: number): string {
  const pad = ' '.repeat(11);
  const field = (label: string, text: string) => `${pad}${c.dim(label.padEnd(5))}${wrap(printable(text), width, pad + '     ')}`;
  const lines = [
    `  ${severityLabel(f.severity, c)} ${c.bold(printable(f.id))}  ${printable(f.title)}`,
    `${pad}${printable(f.component)} on ${printable(f.host)}`,
    field('at', evidenceLine(f.evidence)),
  ];
  if (f.detail) lines.push(field('note', f.detail));
  lines.push(field('why', f.why), field('fix', f.remediation));
  if (f.cis.length > 0) lines.push(field('CIS', f.cis.join(', ')));
  return lines.join('\n');
}

export function renderGraphText(graph: Graph, opts: TextOptions = {}): string {
  const c = picocolors.createColors(opts.color ?? false);
  if (graph.links.length === 0) return `${c.bold('Communication graph')}: no links known (${graph.nodes.length} components)\n`;
  const lines = [c.bold(`Communication graph: ${graph.nodes.length} components, ${graph.links.length} links`)];
  for (const l of graph.links) lines.push(`  ${stateLabel(l.state, c)} ${printable(linkLine(l))}`);
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(result: ScanResult, opts: TextOptions = {}): string {
  const c = picocolors.createColors(opts.color ?? false);
  const width = opts.width ?? 100;
  const s = result.summary;
  const out: string[] = [];
  const k8s = result.kubernetesVersion ? ` (Kubernetes ${result.kubernetesVersion})` : '';
  out.push(`${c.bold(`kubeward ${result.version}`)}: ${printable(result.target)}${k8s}`, '');
  for (const practice of PRACTICES) {
    const findings = result.findings.filter((f) => f.practice === practice);
    if (findings.length === 0) continue;
    out.push(c.bold(`${PRACTICE_TITLES[practice]}: ${plural(findings.length, 'finding')}`));
    for (const f of findings) out.push(renderFinding(f, c, width), '');
  }
  if (result.findings.length === 0) out.push('No findings.', '');
  out.push(renderGraphText(result.graph, opts));
  const counts = Object.entries(s.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([sev, n]) => `${n} ${sev}`);
  out.push(
    `${c.bold('Summary')}: ${plural(s.total, 'finding')}${counts.length ? ` (${counts.join(', ')})` : ''} on ${plural(s.hosts.length, 'host')}` +
      `${s.hosts.length ? ` (${s.hosts.join(', ')})` : ''}; ${plural(s.checksRun, 'check')} run.`,
  );
  for (const p of s.partial) out.push(`${c.yellow('Partial')}: ${printable(p)}`);
  out.push(s.failed ? c.red(`Result: findings at or above ${s.failOn} (--fail-on ${s.failOn}).`) : c.green(`Result: nothing at or above ${s.failOn}.`));
  return `${out.join('\n')}\n`;
}
