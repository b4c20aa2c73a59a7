/**
 * Golden runs over every rendered project of the public RBAC corpus (test/fixtures/rbac, see its
 * PROVENANCE.md), each loaded beside the Kubernetes bootstrap policy as a real cluster would hold it:
 * who can read Secrets in the project's namespace, the risky grants found, and the escalation paths.
 * The expected text lives in __golden__/<project>.txt; review a diff there like code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/checks/registry.js';
import { buildIndex } from '../../src/rbac/authorizer.js';
import { formatWhoCan } from '../../src/rbac/explain.js';
import { loadRbacFiles } from '../../src/rbac/load.js';
import { escalationPaths, formatPath } from '../../src/rbac/paths.js';
import { rbacRiskChecks } from '../../src/rbac/risk-checks.js';
import { resourceRequest } from '../../src/rbac/types.js';
import { whoCan } from '../../src/rbac/who-can.js';

const FIX = new URL('../fixtures/rbac/', import.meta.url).pathname;
const GOLDEN = new URL('./__golden__/', import.meta.url).pathname;
const PROJECTS: [string, string][] = [
  ['k8s-bootstrap', 'kube-system'],
  ['argo-cd', 'argocd'],
  ['flux2', 'flux-system'],
  ['ingress-nginx', 'ingress-nginx'],
  ['kube-prometheus', 'monitoring'],
  ['metrics-server', 'kube-system'],
];

async function golden(project: string, namespace: string): Promise<string> {
  const paths = project === 'k8s-bootstrap' ? [join(FIX, project)] : [join(FIX, 'k8s-bootstrap'), join(FIX, project)];
  const { objects, policy } = await loadRbacFiles(paths, { defaultNamespace: namespace });
  const index = buildIndex(policy);
  const out: string[] = [`# ${project} (+ k8s-bootstrap): ${policy.clusterRoles.length} ClusterRoles, ${policy.roles.length} Roles, ${policy.clusterRoleBindings.length} ClusterRoleBindings, ${policy.roleBindings.length} RoleBindings`, ''];
  for (const ns of ['', namespace]) {
    out.push(...formatWhoCan(whoCan(index, resourceRequest({ verb: 'get', resource: 'secrets', namespace: ns })), resourceRequest({ verb: 'get', resource: 'secrets', namespace: ns })), '');
  }
  const cp = { hosts: [], problems: [], partial: [], rbac: objects };
  const findings = runChecks(cp, rbacRiskChecks).filter((f) => f.severity !== 'info');
  out.push(`risks (${findings.length} above info):`);
  for (const f of findings) out.push(`  ${f.severity.padEnd(8)} ${f.id}  ${f.detail ?? ''}  [${f.evidence.file ?? f.evidence.object}:${f.evidence.line ?? ''}]`);
  out.push('', 'escalation paths from this project:');
  const own = escalationPaths(index).filter((p) => project === 'k8s-bootstrap' || !p.start.namespace.startsWith('kube-') || p.start.namespace === namespace);
  for (const p of own) out.push(...formatPath(p));
  return `${out.join('\n')}\n`;
}

describe('golden runs over the public RBAC corpus', () => {
  for (const [project, namespace] of PROJECTS) {
    it(project, async () => {
      await expect(await golden(project, namespace)).toMatchFileSnapshot(join(GOLDEN, `${project}.txt`));
    });
  }
  it('flux2: the reconciler binds cluster-admin to two controllers (R1, critical)', async () => {
    const { objects } = await loadRbacFiles([join(FIX, 'k8s-bootstrap'), join(FIX, 'flux2')]);
    const r1 = runChecks({ hosts: [], problems: [], partial: [], rbac: objects }, rbacRiskChecks).filter((f) => f.id === 'rbac/risk-wildcard-admin' && f.severity === 'critical');
    expect(r1).toHaveLength(1);
    expect(r1[0]?.detail).toMatch(/kustomize-controller.*helm-controller/);
    expect(r1[0]?.evidence.file).toMatch(/k8s-bootstrap\/cluster-roles\.yaml$/);
  });
  it('argo-cd: the application controller holds */*/* cluster-wide', async () => {
    const { objects } = await loadRbacFiles([join(FIX, 'k8s-bootstrap'), join(FIX, 'argo-cd')], { defaultNamespace: 'argocd' });
    const r1 = runChecks({ hosts: [], problems: [], partial: [], rbac: objects }, rbacRiskChecks).filter((f) => f.id === 'rbac/risk-wildcard-admin');
    expect(r1.map((f) => f.evidence.object)).toContain('ClusterRoleBinding/argocd-application-controller');
  });
});
