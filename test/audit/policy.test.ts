import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rbacChecks } from '../../src/checks/rbac/index.js';
import { runChecks } from '../../src/checks/registry.js';
import { AUDIT_PROFILES, auditPolicy, renderAuditPolicy } from '../../src/audit/policy.js';
import { parseDocuments } from '../../src/sources/yaml-doc.js';
import { singleHost } from '../helpers/fixture.js';
import { runCli } from '../helpers/cli.js';

const POLICY_PATH = 'etc/kubernetes/audit-policy.yaml';
const auditChecks = rbacChecks.filter((c) => c.id.startsWith('rbac/audit-'));

/** A control plane whose apiserver loads the generated policy, read as the node-root source reads YAML. */
function controlPlaneWith(text: string) {
  const parsed = parseDocuments(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const doc = parsed.docs[0];
  return singleHost((h) =>
    h
      .apiserver(['--audit-policy-file=/etc/kubernetes/audit-policy.yaml', '--audit-log-path=/var/log/kubernetes/audit.log', '--audit-log-maxage=30', '--audit-log-maxbackup=10', '--audit-log-maxsize=100'])
      .file(POLICY_PATH, { document: doc?.value, lines: doc?.lines ?? {} }),
  );
}

describe('audit policy', () => {
  it('runs the audit checks it is judged by', () => {
    expect(auditChecks.map((c) => c.id).sort()).toEqual(['rbac/audit-enabled', 'rbac/audit-log-retention', 'rbac/audit-policy-coverage', 'rbac/audit-policy-leak', 'rbac/audit-policy-stages']);
  });

  for (const profile of AUDIT_PROFILES) {
    it(`${profile}: passes kubeward's own audit-policy checks`, () => {
      expect(runChecks(controlPlaneWith(renderAuditPolicy(profile)), auditChecks)).toEqual([]);
    });

    it(`${profile}: the commented YAML is the Policy object`, () => {
      expect(parse(renderAuditPolicy(profile))).toEqual(auditPolicy(profile));
    });
  }

  it('a control: a policy logging secrets at RequestResponse fails the same checks', () => {
    const leaky = renderAuditPolicy('recommended').replace(/level: Metadata\n(\s+)resources:\n(\s+)- group: ""\n(\s+)resources:\n(\s+)- secrets/, 'level: RequestResponse\n$1resources:\n$2- group: ""\n$3resources:\n$4- secrets');
    expect(leaky).not.toEqual(renderAuditPolicy('recommended'));
    expect(runChecks(controlPlaneWith(leaky), auditChecks).map((f) => f.id)).toContain('rbac/audit-policy-leak');
  });

  it('keeps Event deletions and never drops writes by people', () => {
    const rules = auditPolicy('recommended').rules as { level: string; verbs?: string[]; users?: string[]; userGroups?: string[]; nonResourceURLs?: string[] }[];
    for (const r of rules.filter((x) => x.level === 'None')) {
      expect(r.verbs ?? []).not.toContain('delete');
      if (!r.nonResourceURLs && !(r.users ?? r.userGroups)) expect(r.verbs?.every((v) => ['get', 'list', 'watch', 'create', 'update', 'patch'].includes(v))).toBe(true);
    }
    expect(rules.at(-1)).toEqual({ level: 'Metadata' });
  });

  it('CLI: --output writes the file, stdout otherwise; bad profile is a usage error', async () => {
    const out = await runCli(['audit', 'policy', '--profile', 'forensic']);
    expect(out.code).toBe(0);
    expect(parse(out.stdout)).toEqual(auditPolicy('forensic'));
    const bad = await runCli(['audit', 'policy', '--profile', 'loud']);
    expect(bad.code).toBe(2);
  });
});
