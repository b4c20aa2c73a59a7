/**
 * Checks in the shape of ESLint rules: metadata plus a pure function over the model that reports
 * what it finds. A check never does I/O; everything it needs is in the ControlPlane.
 */
import type { Component, ControlPlane, Host } from '../model/control-plane.js';
import { compareFindings, type Evidence, type Finding, type Practice, type Severity } from '../model/finding.js';

export interface CheckMeta {
  id: string;
  practice: Practice;
  severity: Severity;
  /** CIS Kubernetes Benchmark ids (cis-1.12 numbering) */
  cis: string[];
  title: string;
  why: string;
  remediation: string;
  references?: string[];
  /** what the check reads, for docs/checks.md (e.g. "kube-apiserver --kubelet-certificate-authority") */
  reads?: string;
}

export interface Report {
  /** the component the finding is about (or the name of a file/host-level subject) */
  component: Component | string;
  host: Host | string;
  evidence: Evidence;
  /** overrides of the check's meta for this occurrence */
  severity?: Severity;
  title?: string;
  practice?: Practice;
  /** a sentence specific to this occurrence */
  detail?: string;
  remediation?: string;
  link?: string;
}

export interface Check extends CheckMeta {
  appliesTo?: (cp: ControlPlane) => boolean;
  run: (cp: ControlPlane, report: (r: Report) => void) => void;
}

export function defineCheck(check: Check): Check {
  return check;
}

export function toFinding(meta: CheckMeta, r: Report): Finding {
  const f: Finding = {
    id: meta.id,
    practice: r.practice ?? meta.practice,
    severity: r.severity ?? meta.severity,
    title: r.title ?? meta.title,
    component: typeof r.component === 'string' ? r.component : r.component.kind,
    host: typeof r.host === 'string' ? r.host : r.host.name,
    evidence: r.evidence,
    why: meta.why,
    remediation: r.remediation ?? meta.remediation,
    cis: meta.cis,
    references: meta.references ?? [],
  };
  if (r.detail !== undefined) f.detail = r.detail;
  if (r.link !== undefined) f.link = r.link;
  return f;
}

/** Runs checks over the model; findings come back in the stable order of compareFindings. */
export function runChecks(cp: ControlPlane, checks: readonly Check[]): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    if (check.appliesTo && !check.appliesTo(cp)) continue;
    check.run(cp, (r) => findings.push(toFinding(check, r)));
  }
  return findings.sort(compareFindings);
}
