/**
 * SARIF 2.1.0 (OASIS sarif-v2.1.0, §3): one run; the rules come from the check registry (help text,
 * helpUri, tags with the practice and CIS ids); each finding is a result with a physical location
 * (the node file and, when known, its line) and a logical one (host and component).
 * Code-scanning consumers (GitHub) read `properties["security-severity"]` on rules for their rating.
 */
import { createHash } from 'node:crypto';
import type { CheckMeta } from '../checks/registry.js';
import type { Finding, Severity } from '../model/finding.js';
import type { ScanResult } from '../model/result.js';
import { evidenceLine } from './text.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

/** SARIF has three levels; critical and high are errors, medium a warning, the rest notes. */
export function sarifLevel(s: Severity): Level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/** GitHub code scanning's numeric rating: > 9 critical, ≥ 7 high, ≥ 4 medium, else low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

type RuleMeta = Pick<CheckMeta, 'id' | 'practice' | 'severity' | 'cis' | 'title' | 'why' | 'remediation'> & { references?: string[] };

function ruleOf(m: RuleMeta) {
  const references = m.references ?? [];
  const help = [m.why, `Fix: ${m.remediation}`, ...(m.cis.length ? [`CIS Kubernetes Benchmark: ${m.cis.join(', ')}`] : []), ...references].join('\n\n');
  return {
    id: m.id,
    name: m.id.replace(/[/-](\w)/g, (_, ch: string) => ch.toUpperCase()),
    shortDescription: { text: m.title },
    fullDescription: { text: m.why },
    ...(references[0] ? { helpUri: references[0] } : {}),
    help: { text: help },
    defaultConfiguration: { level: sarifLevel(m.severity) },
    properties: {
      tags: ['security', 'kubernetes', m.practice, ...m.cis.map((c) => `CIS-${c}`)],
      practice: m.practice,
      severity: m.severity,
      cis: m.cis,
      'security-severity': SECURITY_SEVERITY[m.severity],
    },
  };
}

/** Stable across runs and line moves: what the finding is about, not where in the file it sits. */
function fingerprint(f: Finding): string {
  const e = f.evidence;
  const key = [f.id, f.host, f.component, e.file ?? '', e.flag ?? '', e.field ?? '', e.object ?? '', f.detail ?? ''].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function resultOf(f: Finding, ruleIndex: number) {
  const e = f.evidence;
  const message = [f.title + (f.detail ? `: ${f.detail}` : ''), `Evidence: ${evidenceLine(e)}`, `Fix: ${f.remediation}`].join('\n');
  const logical = [{ name: f.component, fullyQualifiedName: `${f.host}/${f.component}`, kind: 'module' }];
  if (e.object !== null) logical.push({ name: e.object, fullyQualifiedName: e.object, kind: 'object' });
  return {
    ruleId: f.id,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: message },
    locations: [
      {
        ...(e.file !== null
          ? { physicalLocation: { artifactLocation: { uri: encodeURI(e.file), uriBaseId: 'NODEROOT' }, ...(e.line !== null ? { region: { startLine: e.line } } : {}) } }
          : {}),
        logicalLocations: logical,
      },
    ],
    partialFingerprints: { 'kubeward/v1': fingerprint(f) },
    properties: {
      severity: f.severity,
      practice: f.practice,
      host: f.host,
      component: f.component,
      cis: f.cis,
      evidence: e,
      ...(f.link ? { link: f.link } : {}),
    },
  };
}

/**
 * @param rules the checks that ran (their metadata): every rule is listed even without results, so a
 * consumer can tell "checked and clean" from "not checked". Findings of ids not in `rules` (engines
 * outside the registry) get a rule made from the finding.
 */
export function renderSarif(result: ScanResult, rules: readonly RuleMeta[]): string {
  const byId = new Map<string, RuleMeta>();
  for (const r of rules) byId.set(r.id, r);
  for (const f of result.findings) if (!byId.has(f.id)) byId.set(f.id, f);
  const ids = [...byId.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubeward',
            version: result.version,
            semanticVersion: result.version,
            rules: ids.map((id) => ruleOf(byId.get(id)!)),
          },
        },
        // Evidence paths are relative to the node root (or snapshot) that was scanned.
        originalUriBaseIds: { NODEROOT: { description: { text: `The node root or snapshot scanned: ${result.target}` } } },
        results: result.findings.map((f) => resultOf(f, index.get(f.id)!)),
        columnKind: 'unicodeCodePoints',
        properties: { target: result.target, kubernetesVersion: result.kubernetesVersion, summary: result.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
