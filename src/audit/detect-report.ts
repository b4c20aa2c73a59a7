/**
 * Alerts in the finding contract, so `audit detect` renders through src/report (text, json, sarif)
 * exactly like `scan`: the rule is the check, the event is the evidence.
 */
import type { CheckMeta } from '../checks/registry.js';
import type { Finding, Severity } from '../model/finding.js';
import type { ScanResult } from '../model/result.js';
import { probeScanResult } from '../probes/result.js';
import type { Alert } from './detect.js';
import { detectionRules } from './rules/index.js';
import type { DetectionRule } from './rules/rule.js';

function mitreUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

export function ruleMeta(rule: DetectionRule<unknown>): CheckMeta {
  return {
    id: rule.id,
    practice: 'rbac',
    severity: rule.severity,
    cis: [],
    title: rule.title,
    why: rule.description,
    remediation: rule.remediation,
    references: rule.mitre ? [mitreUrl(rule.mitre.id)] : [],
    reads: `audit events (level ${rule.needsLevel} or above)`,
  };
}

export function alertFinding(a: Alert): Finding {
  const rule = detectionRules.find((r) => r.id === a.rule);
  const as = a.impersonatedUser ? ` as ${a.impersonatedUser}` : '';
  const mitre = a.mitre ? ` [MITRE ATT&CK ${a.mitre.id} ${a.mitre.name}]` : '';
  return {
    id: a.rule,
    practice: 'rbac',
    severity: a.severity,
    title: a.title,
    component: a.user || '(unauthenticated)',
    host: a.sourceIP ?? 'audit',
    evidence: { source: 'audit', file: null, line: null, flag: null, field: 'auditID', value: a.auditID, object: a.object, probe: null },
    why: rule?.description ?? a.title,
    remediation: rule?.remediation ?? '',
    cis: [],
    references: a.mitre ? [mitreUrl(a.mitre.id)] : [],
    detail: `${a.time} ${a.user || '(unauthenticated)'}${as} ${a.verb} ${a.object} → ${a.code ?? '?'}: ${a.detail}${mitre}`,
  };
}

export function alertsResult(alerts: readonly Alert[], o: { target: string; failOn: Severity; rulesRun: number }): ScanResult {
  return probeScanResult(alerts.map(alertFinding), { target: o.target, failOn: o.failOn, probesRun: o.rulesRun });
}
