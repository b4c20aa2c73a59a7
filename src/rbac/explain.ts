/** Plain-text explanations of decisions and who-can answers: which binding, which subject, which role, which rule, where. */
import type { Decision, Grant, RbacIndex } from './authorizer.js';
import { applicableGrants } from './authorizer.js';
import { describeRequest } from './request.js';
import { describeRule } from './rules.js';
import { describeLocation, describeObject, type RequestAttributes, type Role, type SourcedRule, type Subject, type UserInfo } from './types.js';
import type { WhoCanResult } from './who-can.js';

export function describeSubject(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

function at(loc: string): string {
  return loc ? ` (${loc})` : '';
}

export function describeRuleSource(role: Role, ruleIndex: number, rule: SourcedRule): string {
  const from = rule.aggregatedFrom ? `, aggregated from ClusterRole/${rule.aggregatedFrom}` : '';
  return `rule ${ruleIndex} of ${describeObject(role)}${from}${at(describeLocation(rule.at))}: ${describeRule(rule)}`;
}

function grantLines(g: Grant): string[] {
  return [`  binding: ${describeObject(g.binding)}${at(describeLocation(g.binding.at))}`, `  subject: ${describeSubject(g.subject)} (subjects[${g.subjectIndex}])`];
}

export function explainDecision(index: RbacIndex, user: UserInfo, a: RequestAttributes, d: Decision): string[] {
  const lines = [`request: ${describeRequest(a)}`, `user: ${JSON.stringify(user.name)} groups ${JSON.stringify(user.groups)}`];
  if (d.allowed && d.by === 'system:masters') {
    lines.push('allowed: the user is in group system:masters, which the API server allows before RBAC runs (authorizerfactory privilegedGroupAuthorizer)');
    return lines;
  }
  if (d.allowed && d.grant && d.rule && d.ruleIndex !== undefined && d.grant.role) {
    lines.push('allowed by RBAC:', ...grantLines(d.grant), `  role: ${describeObject(d.grant.role)}${at(describeLocation(d.grant.role.at))}`, `  ${describeRuleSource(d.grant.role, d.ruleIndex, d.rule)}`);
    return lines;
  }
  const grants = applicableGrants(index, user, a.namespace);
  if (grants.length === 0) lines.push(`denied: no binding applies to this user${a.namespace ? ` cluster-wide or in namespace "${a.namespace}"` : ' cluster-wide (RoleBindings never grant cluster-scoped requests)'}`);
  else {
    lines.push(`denied: none of the rules of the ${grants.length} binding subject(s) that apply allows it:`);
    for (const g of grants) lines.push(`  ${describeObject(g.binding)} → ${g.binding.roleRef.kind}/${g.binding.roleRef.name}${g.error ? ` (${g.error}: skipped)` : ` (${g.rules.length} rules)`} via ${describeSubject(g.subject)}`);
  }
  for (const e of d.errors) lines.push(`  RBAC: ${e}`);
  return lines;
}

export function formatWhoCan(r: WhoCanResult, a: RequestAttributes): string[] {
  const lines = [`who can ${describeRequest(a)}:`];
  for (const g of r.privilegedGroups) lines.push(`  Group ${g}  (allowed before RBAC: privileged group)`);
  const rows = r.entries.map((e) => ({
    subject: describeSubject(e.subject),
    via: `${describeObject(e.binding)} → ${describeObject(e.role)} rule ${e.ruleIndex}${e.rule.aggregatedFrom ? ` (from ClusterRole/${e.rule.aggregatedFrom})` : ''}`,
    where: describeLocation(e.rule.at),
  }));
  rows.sort((x, y) => x.subject.localeCompare(y.subject) || x.via.localeCompare(y.via));
  const w = Math.max(0, ...rows.map((x) => x.subject.length));
  for (const row of rows) lines.push(`  ${row.subject.padEnd(w)}  via ${row.via}${row.where ? `  [${row.where}]` : ''}`);
  if (r.danglingBindings.length) {
    lines.push(`bindings in scope whose role is missing (whoever creates the role gets them):`);
    for (const d of r.danglingBindings) lines.push(`  ${describeObject(d.binding)} → ${d.binding.roleRef.kind}/${d.binding.roleRef.name}`);
  }
  return lines;
}
