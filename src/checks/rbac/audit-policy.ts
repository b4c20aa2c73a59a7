/**
 * The audit Policy the API server loads (--audit-policy-file) and its first-match evaluation.
 * staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go: rules are tried in order, the first that
 * matches sets the level, no match means None; ruleMatchesResource handles "*", "*\/sub" and "res/*".
 * A scan cannot enumerate requests, so evaluation is per *request class* (group, resource,
 * subresource): a rule that matches the class only for some users, groups, verbs, namespaces or
 * object names decides some of its requests and lets the rest fall through; the first rule without
 * such conditions decides all that remain.
 */
import type { Component, ControlPlane, Host, NodeFile } from '../../model/control-plane.js';
import { arr, rec, str, strs, type DocRecord } from '../../model/document.js';
import { documentLine, evidenceForFile, fileFor, flag } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type Level = (typeof LEVELS)[number];

export interface LoadedPolicy {
  file: NodeFile;
  document: DocRecord;
  rules: DocRecord[];
}

/** The policy named by --audit-policy-file, when it was read and parsed; undefined otherwise (input/unreadable reports why). */
export function auditPolicyOf(cp: ControlPlane, host: Host, c: Component): LoadedPolicy | undefined {
  const file = fileFor(host, c, flag(cp, c, 'audit-policy-file'));
  const document = rec(file?.document);
  if (!file || !file.exists || file.error || !document) return undefined;
  return { file, document, rules: arr(document.rules).map((r) => rec(r) ?? {}) };
}

export interface RequestClass {
  group: string;
  resource: string;
  subresource?: string;
  /** how a reader names it: "secrets", "pods/exec", "rolebindings.rbac.authorization.k8s.io" */
  label: string;
}

export function requestClass(group: string, resource: string, subresource?: string): RequestClass {
  const base = group ? `${resource}.${group}` : resource;
  return subresource ? { group, resource, subresource, label: `${resource}/${subresource}${group ? ` (${group})` : ''}` } : { group, resource, label: base };
}

function coversResource(rule: DocRecord, rc: RequestClass): { covers: boolean; byName: boolean } {
  // checker.go ruleMatches: a rule with only nonResourceURLs never matches a resource request.
  const resources = arr(rule.resources).map((x) => rec(x) ?? {});
  if (resources.length === 0) return { covers: strs(rule.nonResourceURLs).length === 0 || strs(rule.namespaces).length > 0, byName: false };
  const combined = rc.subresource ? `${rc.resource}/${rc.subresource}` : rc.resource;
  for (const gr of resources) {
    const group = str(gr.group) ?? '';
    // "*" as group: documented in newer audit docs; older checker.go compares the group exactly.
    if (group !== rc.group && group !== '*') continue;
    const names = strs(gr.resources);
    if (names.length === 0) return { covers: true, byName: false };
    const byName = strs(gr.resourceNames).length > 0;
    for (const res of names) {
      if (res === combined || res === '*') return { covers: true, byName };
      if (rc.subresource && res.startsWith('*/') && res.slice(2) === rc.subresource) return { covers: true, byName };
      if (res.endsWith('/*') && res.slice(0, -2) === rc.resource) return { covers: true, byName };
    }
  }
  return { covers: false, byName: false };
}

export interface Decision {
  level: Level;
  /** index of the deciding rule; undefined when no rule matched (level None) */
  rule?: number;
  /** the rule decides only some requests of the class (users, groups, verbs, namespaces, names) */
  partial: boolean;
}

function levelOf(rule: DocRecord): Level {
  const l = str(rule.level);
  return (LEVELS as readonly string[]).includes(l ?? '') ? (l as Level) : 'None';
}

/**
 * Every level a request of the class can get, in rule order: partial decisions first, then the one
 * that decides everything left (a `rule`-less None when the rules run out). `verbs` narrows the
 * requests considered (e.g. writes only); a rule limited to other verbs does not apply.
 */
export function decisions(policy: LoadedPolicy, rc: RequestClass, verbs?: readonly string[]): Decision[] {
  const out: Decision[] = [];
  for (const [i, rule] of policy.rules.entries()) {
    const { covers, byName } = coversResource(rule, rc);
    if (!covers) continue;
    const ruleVerbs = strs(rule.verbs);
    if (verbs && ruleVerbs.length > 0 && !ruleVerbs.some((v) => verbs.includes(v))) continue;
    const verbsPartial = ruleVerbs.length > 0 && !(verbs ?? ['*']).every((v) => ruleVerbs.includes(v));
    const partial = byName || verbsPartial || strs(rule.users).length > 0 || strs(rule.userGroups).length > 0 || strs(rule.namespaces).length > 0;
    out.push({ level: levelOf(rule), rule: i, partial });
    if (!partial) return out;
  }
  out.push({ level: 'None', partial: false });
  return out;
}

export function rank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Evidence at a rule's `level` line (or the rules list when no rule decided). */
export function ruleEvidence(policy: LoadedPolicy, d: Decision): Evidence {
  if (d.rule === undefined) return evidenceForFile(policy.file, { line: documentLine(policy.file, 'rules') ?? null, field: 'rules', value: 'no rule matches (None)' });
  const path = `rules.${d.rule}.level`;
  return evidenceForFile(policy.file, { line: documentLine(policy.file, path) ?? null, field: path, value: d.level });
}

/** A rule that matches every request: no users, groups, verbs, resources, namespaces or nonResourceURLs. */
export function isCatchAll(rule: DocRecord): boolean {
  return ['users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs'].every((k) => arr(rule[k]).length === 0);
}

/** Payloads that must never be logged above Metadata (checks.md §E.3; CIS 3.2.2). */
export const SENSITIVE: readonly RequestClass[] = [
  requestClass('', 'secrets'),
  requestClass('', 'configmaps'),
  requestClass('', 'serviceaccounts', 'token'),
  requestClass('authentication.k8s.io', 'tokenreviews'),
];

/** Requests that must be logged at least at Metadata: interactive access to workloads and nodes. */
export const INTERACTIVE: readonly RequestClass[] = [
  requestClass('', 'pods', 'exec'),
  requestClass('', 'pods', 'attach'),
  requestClass('', 'pods', 'portforward'),
  requestClass('', 'pods', 'proxy'),
  requestClass('', 'services', 'proxy'),
  requestClass('', 'nodes', 'proxy'),
];

export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** Objects whose changes must be logged (workloads, RBAC, admission webhooks, CSR approval). */
export const WRITES: readonly RequestClass[] = [
  requestClass('', 'pods'),
  requestClass('apps', 'deployments'),
  requestClass('rbac.authorization.k8s.io', 'roles'),
  requestClass('rbac.authorization.k8s.io', 'rolebindings'),
  requestClass('rbac.authorization.k8s.io', 'clusterroles'),
  requestClass('rbac.authorization.k8s.io', 'clusterrolebindings'),
  requestClass('admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
  requestClass('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
  requestClass('certificates.k8s.io', 'certificatesigningrequests', 'approval'),
];
