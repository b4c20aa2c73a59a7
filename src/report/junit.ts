/**
 * JUnit XML for CI test-report viewers: `<testsuites>` with one `<testsuite>` per practice and one
 * `<testcase>` per check and host. Findings at or above --fail-on are `<failure>`s (so the failure
 * count matches the exit code); lower ones pass and are listed in `<system-out>`.
 * kube-bench#883 shipped JUnit without the XML declaration, without the `<testsuites>` root and with
 * unescaped `<filename>` text in remediations; every text and attribute here goes through escapeXml.
 */
import type { CheckMeta } from '../checks/registry.js';
import { atOrAbove, compareText, PRACTICES, type Finding, type Practice } from '../model/finding.js';
import type { ScanResult } from '../model/result.js';
import { evidenceLine } from './text.js';

type RuleMeta = Pick<CheckMeta, 'id' | 'practice' | 'title'>;

/** XML 1.0 allows no C0 control characters but tab, LF and CR; they are dropped, the five specials escaped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  id: string;
  title: string;
  host: string;
  findings: Finding[];
}

function findingText(f: Finding): string {
  return [
    `[${f.severity}] ${f.title}${f.detail ? `: ${f.detail}` : ''}`,
    `  component: ${f.component} on ${f.host}`,
    `  evidence: ${evidenceLine(f.evidence)}`,
    `  why: ${f.why}`,
    `  fix: ${f.remediation}`,
    ...(f.cis.length ? [`  CIS: ${f.cis.join(', ')}`] : []),
  ].join('\n');
}

function casesOf(practice: Practice, result: ScanResult, rules: readonly RuleMeta[]): Case[] {
  const cases = new Map<string, Case>();
  const key = (id: string, host: string) => `${id}\u0000${host}`;
  for (const r of rules) {
    if (r.practice !== practice) continue;
    for (const host of result.summary.hosts) cases.set(key(r.id, host), { id: r.id, title: r.title, host, findings: [] });
  }
  for (const f of result.findings) {
    if (f.practice !== practice) continue;
    const k = key(f.id, f.host);
    let c = cases.get(k);
    if (!c) cases.set(k, (c = { id: f.id, title: f.title, host: f.host, findings: [] }));
    c.findings.push(f);
  }
  return [...cases.values()].sort((a, b) => compareText(a.id, b.id) || compareText(a.host, b.host));
}

function renderCase(c: Case, practice: Practice, result: ScanResult): { xml: string; failed: boolean } {
  const failOn = result.summary.failOn;
  const failing = c.findings.filter((f) => atOrAbove(f.severity, failOn));
  const below = c.findings.filter((f) => !atOrAbove(f.severity, failOn));
  const open = `    <testcase classname="${escapeXml(`kubeward.${practice}`)}" name="${escapeXml(`${c.id} [${c.host}]`)}" time="0"`;
  const body: string[] = [];
  if (failing.length > 0) {
    const worst = failing[0]!;
    const message = `${failing.length} finding${failing.length === 1 ? '' : 's'} at or above ${failOn}: ${worst.title}`;
    body.push(`      <failure message="${escapeXml(message)}" type="${escapeXml(worst.severity)}">${escapeXml(failing.map(findingText).join('\n\n'))}</failure>`);
  }
  if (below.length > 0) body.push(`      <system-out>${escapeXml(below.map(findingText).join('\n\n'))}</system-out>`);
  const xml = body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
  return { xml, failed: failing.length > 0 };
}

/** @param rules the checks that ran, so clean checks show as passing test cases. */
export function renderJunit(result: ScanResult, rules: readonly RuleMeta[]): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const practice of PRACTICES) {
    const cases = casesOf(practice, result, rules).map((c) => renderCase(c, practice, result));
    if (cases.length === 0) continue;
    const failed = cases.filter((c) => c.failed).length;
    tests += cases.length;
    failures += failed;
    suites.push(
      `  <testsuite name="${escapeXml(`kubeward.${practice}`)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="0">\n` +
        `${cases.map((c) => c.xml).join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${escapeXml(`kubeward scan ${result.target}`)}" tests="${tests}" failures="${failures}" errors="0" time="0">\n` +
    `${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`
  );
}
