/** Escalation paths: each kind of edge, shortest paths, and admin detection. */
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/rbac/authorizer.js';
import { escalationPaths, parseIdentity, shortestPath, pathGraph } from '../../src/rbac/paths.js';
import { clusterRole, clusterRoleBinding, policy, role, roleBinding, rule } from './upstream.js';

const admin = clusterRole('cluster-admin', [rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] })]);
const adminSA = clusterRoleBinding('cluster-admin', 'ServiceAccount:ops:root');
const from = (text: string) => parseIdentity(text)!;

function pathFor(extra: Parameters<typeof policy>[0], start: string) {
  const p = policy({ ...extra, clusterRoles: [admin, ...(extra.clusterRoles ?? [])], clusterRoleBindings: [adminSA, ...(extra.clusterRoleBindings ?? [])] });
  return shortestPath(pathGraph(buildIndex(p)), from(start));
}

describe('escalation edges', () => {
  it('pod creation in a namespace reaches its service accounts', () => {
    const p = pathFor({ roles: [role('ops', 'pods', [rule({ verbs: ['create'], apiGroups: [''], resources: ['pods'] })])], roleBindings: [roleBinding('ops', 'pods', 'Role', 'User:dev')] }, 'User:dev');
    expect(p?.hops.map((h) => h.to.name)).toEqual(['root']);
    expect(p?.hops[0]?.how).toMatch(/create pods in namespace ops/);
    expect(p?.hops[0]?.decision.grant?.role?.name).toBe('pods');
  });
  it('a token request for one named SA', () => {
    const p = pathFor({ roles: [role('ops', 't', [rule({ verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'], resourceNames: ['root'] })])], roleBindings: [roleBinding('ops', 't', 'Role', 'Group:devs')] }, 'Group:devs');
    expect(p?.hops[0]?.how).toMatch(/token for ServiceAccount ops\/root/);
  });
  it('impersonating system:masters, binding cluster-admin, CSR approval', () => {
    const imp = pathFor({ clusterRoles: [clusterRole('imp', [rule({ verbs: ['impersonate'], apiGroups: [''], resources: ['groups'] })])], clusterRoleBindings: [clusterRoleBinding('imp', 'User:a')] }, 'User:a');
    expect(imp?.admin.identity.name).toBe('system:masters');
    const bind = pathFor({ clusterRoles: [clusterRole('b', [rule({ verbs: ['bind', 'create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings'] })])], clusterRoleBindings: [clusterRoleBinding('b', 'User:a')] }, 'User:a');
    expect(bind?.admin.identity.kind).toBe('Elevated');
    const csr = pathFor(
      {
        clusterRoles: [clusterRole('c', [rule({ verbs: ['create', 'update'], apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/approval'] }), rule({ verbs: ['approve'], apiGroups: ['certificates.k8s.io'], resources: ['signers'] })])],
        clusterRoleBindings: [clusterRoleBinding('c', 'User:a')],
      },
      'User:a',
    );
    expect(csr?.hops[0]?.how).toMatch(/CSR/);
  });
  it('a RoleBinding-granted impersonation of an SA is scoped to the SA namespace', () => {
    const inOps = pathFor({ roles: [role('ops', 'i', [rule({ verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts'] })])], roleBindings: [roleBinding('ops', 'i', 'Role', 'User:a')] }, 'User:a');
    expect(inOps?.hops[0]?.how).toMatch(/impersonate ServiceAccount ops\/root/);
    const elsewhere = pathFor({ roles: [role('dev', 'i', [rule({ verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts'] })])], roleBindings: [roleBinding('dev', 'i', 'Role', 'User:a')] }, 'User:a');
    expect(elsewhere).toBeUndefined();
  });
  it('multi-hop: secrets in one namespace → an SA that can create pods where the admin SA lives', () => {
    const p = pathFor(
      {
        roles: [role('ci', 'read', [rule({ verbs: ['get'], apiGroups: [''], resources: ['secrets'] })]), role('ops', 'deploy', [rule({ verbs: ['create'], apiGroups: ['apps'], resources: ['deployments'] })])],
        roleBindings: [roleBinding('ci', 'read', 'Role', 'User:intern'), roleBinding('ops', 'deploy', 'Role', 'ServiceAccount:ci:deployer')],
      },
      'User:intern',
    );
    expect(p?.hops.map((h) => `${h.to.namespace}/${h.to.name}`)).toEqual(['ci/deployer', 'ops/root']);
  });
  it('no path for the harmless, none for an admin itself', () => {
    const index = buildIndex(policy({ clusterRoles: [admin], clusterRoleBindings: [adminSA, clusterRoleBinding('cluster-admin', 'User:boss')] }));
    expect(escalationPaths(index)).toEqual([]);
  });
});
