import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAuditBatches } from '../../src/audit/read.js';
import { buildIndex } from '../../src/rbac/authorizer.js';
import { collectUsage, subjectMatcher } from '../../src/rbac/generate.js';
import { loadRbacFiles } from '../../src/rbac/load.js';
import { rightsize } from '../../src/rbac/unused.js';

const LAB = fileURLToPath(new URL('../fixtures/audit/k8s-1.20-lab/', import.meta.url));

describe('rbac unused on the k8s-1.20-lab capture and its rbac.yaml', async () => {
  const { policy } = await loadRbacFiles([`${LAB}rbac.yaml`]);
  const index = buildIndex(policy);
  const usage = await collectUsage(readAuditBatches([`${LAB}dev-audit.log`]), () => true);
  const report = rightsize(index, usage);
  const of = (name: string) => report.find((r) => r.user.name === name);

  it('one entry per subject bound by name', () => {
    expect(report.map((r) => r.user.name)).toEqual([
      'system:serviceaccount:ci:deployer',
      'system:serviceaccount:ci:jenkins',
      'system:serviceaccount:default:debug',
      'system:serviceaccount:monitoring:prometheus',
      'system:serviceaccount:tools:auditor',
      'system:serviceaccount:widget-system:widget-operator',
    ]);
  });

  it('prometheus: granted get/watch on nodes/metrics and get on pods it never used; tightened to list/watch and /metrics', () => {
    const p = of('system:serviceaccount:monitoring:prometheus');
    const pairs = p?.grants.flatMap((g) => g.rules.flatMap((r) => r.unusedPairs)) ?? [];
    expect(pairs).toEqual(expect.arrayContaining(['get pods', 'get nodes/metrics']));
    expect(pairs).not.toContain('list pods');
    const tight = p?.tightened?.roles.flatMap((r) => r.rules.map((x) => x.rule)) ?? [];
    expect(tight.flatMap((r) => r.verbs).every((v) => v === 'list' || v === 'watch' || v === 'get')).toBe(true);
    expect(tight.some((r) => r.nonResourceURLs.includes('/metrics'))).toBe(true);
  });

  it('widget-operator: update on widgets and list/watch on configmaps never used; the rule for its lease fully used', () => {
    const w = of('system:serviceaccount:widget-system:widget-operator');
    const pairs = w?.grants.flatMap((g) => g.rules.flatMap((r) => r.unusedPairs)) ?? [];
    expect(pairs).toEqual(expect.arrayContaining(['update widgets', 'list configmaps', 'watch configmaps']));
    expect(w?.unusedRules).toBe(0);
    expect(w?.partlyUsedRules).toBeGreaterThan(0);
  });

  it('a binding whose role is not in the given RBAC is listed without rules (not judged)', () => {
    const j = of('system:serviceaccount:ci:jenkins');
    expect(j?.grants.map((g) => [g.binding.roleRef.name, g.role])).toEqual([['edit', undefined]]);
    expect(j?.tightened?.roles.length).toBeGreaterThan(0);
  });

  it('a rule nobody used is unused; a subject absent from the log has no tightened role', () => {
    const extra = buildIndex({
      ...policy,
      clusterRoles: [...policy.clusterRoles, { kind: 'ClusterRole', name: 'spare', namespace: '', labels: {}, annotations: {}, at: { kind: 'api' }, rules: [{ verbs: ['delete'], apiGroups: [''], resources: ['nodes'], resourceNames: [], nonResourceURLs: [], at: { kind: 'api' } }] }],
      clusterRoleBindings: [
        ...policy.clusterRoleBindings,
        { kind: 'ClusterRoleBinding', name: 'spare', namespace: '', labels: {}, annotations: {}, at: { kind: 'api' }, roleRef: { kind: 'ClusterRole', name: 'spare', apiGroup: 'rbac.authorization.k8s.io' }, subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring', apiGroup: '' }, { kind: 'User', name: 'nobody', namespace: '', apiGroup: '' }] },
      ],
    });
    const r = rightsize(extra, usage, { matches: subjectMatcher(['nobody', 'system:serviceaccount:monitoring:prometheus']) });
    expect(r.map((x) => [x.user.name, x.unusedRules, x.seen, x.tightened === undefined])).toEqual([
      ['nobody', 1, false, true],
      ['system:serviceaccount:monitoring:prometheus', 1, true, false],
    ]);
  });
});
