/**
 * audit2rbac's own cases (liggitt/audit2rbac v0.10.0 pkg/process_test.go TestProcessOptions, 13 cases)
 * as golden tests. audit2rbac's defaults are our opt-ins: verb expansion = expandVerbs, namespace
 * expansion = expandNamespaces, name expansion (two names → all names) = namesThreshold 1; "without name
 * expansion" = no threshold. Role names differ (ours are per subject), so roles are compared by kind,
 * namespace and rules.
 */
import { describe, expect, it } from 'vitest';
import { emptyStats, existingIndex, generateForSubject, type GenerateOptions, type SubjectUsage } from '../../src/rbac/generate.js';
import type { PolicyRule, RequestAttributes } from '../../src/rbac/types.js';

const bob = { name: 'bob', groups: ['system:authenticated'] };

// the "existing" set of the upstream test: cluster-admin for system:masters, discovery for system:authenticated
const EXISTING = existingIndex(
  [
    { kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }] },
    { kind: 'ClusterRole', metadata: { name: 'system:discovery' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version', '/swaggerapi', '/swaggerapi/*', '/api', '/api/*', '/apis', '/apis/*'] }] },
    { kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] },
    { kind: 'ClusterRoleBinding', metadata: { name: 'system:discovery' }, roleRef: { kind: 'ClusterRole', name: 'system:discovery' }, subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  ],
  { defaults: false },
);

const AUDIT2RBAC_DEFAULTS: GenerateOptions = { expandVerbs: true, expandNamespaces: true, namesThreshold: 1 };
const NO_NAMES: GenerateOptions = { ...AUDIT2RBAC_DEFAULTS, namesThreshold: Number.POSITIVE_INFINITY };
const NO_NAMES_NO_NS: GenerateOptions = { ...NO_NAMES, expandNamespaces: false };
const NO_NS: GenerateOptions = { ...AUDIT2RBAC_DEFAULTS, expandNamespaces: false };

function url(verb: string, path: string): RequestAttributes {
  return { resourceRequest: false, verb, path, namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
}
function res(verb: string, resource: string, o: { ns?: string; group?: string; name?: string } = {}): RequestAttributes {
  return { resourceRequest: true, verb, resource, namespace: o.ns ?? '', apiGroup: o.group ?? '', subresource: '', name: o.name ?? '', path: '' };
}
function usage(requests: RequestAttributes[]): SubjectUsage {
  const allowed = new Map(requests.map((a, i) => [String(i), { attributes: a, stats: { ...emptyStats(), count: 1 } }]));
  return { user: bob, allowed, denied: new Map(), impersonated: new Set(), events: requests.length };
}
function rule(verbs: string[], group: string, resources: string[], names: string[] = []): PolicyRule {
  return { verbs, apiGroups: [group], resources, resourceNames: names, nonResourceURLs: [] };
}
type Expected = { kind: 'Role' | 'ClusterRole'; namespace: string; rules: PolicyRule[] }[];

function generated(requests: RequestAttributes[], opts: GenerateOptions): Expected {
  const g = generateForSubject(usage(requests), { ...opts, existing: EXISTING });
  // every role is bound once, to the role of the same scope
  for (const r of g.roles) if (r.kind === 'Role') expect(g.bindings).toContainEqual(expect.objectContaining({ kind: 'RoleBinding', namespace: r.namespace, roleRef: { kind: 'Role', name: r.name } }));
  return g.roles.map((r) => ({ kind: r.kind, namespace: r.namespace, rules: r.rules.map((x) => x.rule) }));
}

const podsAndDeployments = (names: [string, string][]): RequestAttributes[] => [
  ...names.map(([ns, n]) => res('get', 'pods', { ns, name: n })),
  ...names.map(([ns, n]) => res('get', 'deployments', { ns, group: 'apps', name: n.replace('pod', 'dep') })),
];

describe('audit2rbac TestProcessOptions', () => {
  it('empty', () => {
    expect(generated([], AUDIT2RBAC_DEFAULTS)).toEqual([]);
  });

  it('already allowed by existing', () => {
    expect(generated([url('get', '/api'), url('get', '/apis')], AUDIT2RBAC_DEFAULTS)).toEqual([]);
  });

  it('nonresource', () => {
    expect(generated([url('get', '/foo')], AUDIT2RBAC_DEFAULTS)).toEqual([{ kind: 'ClusterRole', namespace: '', rules: [{ verbs: ['get'], nonResourceURLs: ['/foo'], apiGroups: [], resources: [], resourceNames: [] }] }]);
  });

  it('cluster-scoped named resource', () => {
    const r = [res('get', 'nodes', { name: 'mynode' }), res('get', 'storageclasses', { group: 'storage.k8s.io', name: 'mysc' })];
    expect(generated(r, AUDIT2RBAC_DEFAULTS)).toEqual([{ kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['nodes'], ['mynode']), rule(['get'], 'storage.k8s.io', ['storageclasses'], ['mysc'])] }]);
  });

  const twoNames = [res('get', 'nodes', { name: 'node1' }), res('get', 'nodes', { name: 'node2' }), res('get', 'storageclasses', { group: 'storage.k8s.io', name: 'sc1' }), res('get', 'storageclasses', { group: 'storage.k8s.io', name: 'sc2' })];

  it('cluster-scoped named resources with name expansion', () => {
    expect(generated(twoNames, AUDIT2RBAC_DEFAULTS)).toEqual([{ kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['nodes']), rule(['get'], 'storage.k8s.io', ['storageclasses'])] }]);
  });

  it('cluster-scoped named resources without name expansion', () => {
    expect(generated(twoNames, NO_NAMES)).toEqual([{ kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['nodes'], ['node1', 'node2']), rule(['get'], 'storage.k8s.io', ['storageclasses'], ['sc1', 'sc2'])] }]);
  });

  it('cluster-scoped named resources without name expansion with covering verb expansion', () => {
    const r = [...twoNames, res('list', 'nodes'), res('list', 'storageclasses', { group: 'storage.k8s.io' })];
    expect(generated(r, NO_NAMES)).toEqual([{ kind: 'ClusterRole', namespace: '', rules: [rule(['get', 'list', 'watch'], '', ['nodes']), rule(['get', 'list', 'watch'], 'storage.k8s.io', ['storageclasses'])] }]);
  });

  it('namespaced named resources', () => {
    const r = [res('get', 'configmaps', { ns: 'ns1', name: 'cm1' }), res('get', 'pods', { ns: 'ns2', name: 'pod1' })];
    expect(generated(r, AUDIT2RBAC_DEFAULTS)).toEqual([
      { kind: 'Role', namespace: 'ns1', rules: [rule(['get'], '', ['configmaps'], ['cm1'])] },
      { kind: 'Role', namespace: 'ns2', rules: [rule(['get'], '', ['pods'], ['pod1'])] },
    ]);
  });

  it('namespaced named resources with namespace and name expansion', () => {
    const r = [res('get', 'configmaps', { ns: 'ns1', name: 'cm1' }), ...podsAndDeployments([['ns1', 'pod1'], ['ns1', 'pod2'], ['ns2', 'pod1'], ['ns2', 'pod2']])];
    expect(generated(r, AUDIT2RBAC_DEFAULTS)).toEqual([
      { kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['pods']), rule(['get'], 'apps', ['deployments'])] },
      { kind: 'Role', namespace: 'ns1', rules: [rule(['get'], '', ['configmaps'], ['cm1'])] },
    ]);
  });

  it('namespaced named resources with namespace expansion', () => {
    const r = [res('get', 'configmaps', { ns: 'ns1', name: 'cm1' }), ...podsAndDeployments([['ns2', 'pod1'], ['ns3', 'pod1'], ['ns2', 'pod2'], ['ns3', 'pod3']])];
    expect(generated(r, NO_NAMES)).toEqual([
      { kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['pods'], ['pod1']), rule(['get'], 'apps', ['deployments'], ['dep1'])] },
      { kind: 'Role', namespace: 'ns1', rules: [rule(['get'], '', ['configmaps'], ['cm1'])] },
      { kind: 'Role', namespace: 'ns2', rules: [rule(['get'], '', ['pods'], ['pod2']), rule(['get'], 'apps', ['deployments'], ['dep2'])] },
      { kind: 'Role', namespace: 'ns3', rules: [rule(['get'], '', ['pods'], ['pod3']), rule(['get'], 'apps', ['deployments'], ['dep3'])] },
    ]);
  });

  const spread = [res('get', 'configmaps', { ns: 'ns1', name: 'cm1' }), ...podsAndDeployments([['ns2', 'pod1'], ['ns2', 'pod2'], ['ns3', 'pod1'], ['ns3', 'pod3']])];

  it('namespaced named resources with name expansion (ns2 and ns3 need the same rules: one shared ClusterRole bound in each)', () => {
    expect(generated(spread, NO_NS)).toEqual([
      { kind: 'Role', namespace: 'ns1', rules: [rule(['get'], '', ['configmaps'], ['cm1'])] },
      { kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['pods']), rule(['get'], 'apps', ['deployments'])] },
    ]);
    const g = generateForSubject(usage(spread), { ...NO_NS, existing: EXISTING });
    const shared = g.roles.find((r) => r.kind === 'ClusterRole');
    expect(g.bindings.filter((b) => b.roleRef.name === shared?.name).map((b) => [b.kind, b.namespace])).toEqual([
      ['RoleBinding', 'ns2'],
      ['RoleBinding', 'ns3'],
    ]);
  });

  it('namespaced named resources without name or namespace expansion', () => {
    expect(generated(spread, NO_NAMES_NO_NS)).toEqual([
      { kind: 'Role', namespace: 'ns1', rules: [rule(['get'], '', ['configmaps'], ['cm1'])] },
      { kind: 'Role', namespace: 'ns2', rules: [rule(['get'], '', ['pods'], ['pod1', 'pod2']), rule(['get'], 'apps', ['deployments'], ['dep1', 'dep2'])] },
      { kind: 'Role', namespace: 'ns3', rules: [rule(['get'], '', ['pods'], ['pod1', 'pod3']), rule(['get'], 'apps', ['deployments'], ['dep1', 'dep3'])] },
    ]);
  });

  it('namespaced named resources without name or namespace expansion with covering cluster operation', () => {
    const r = [...spread, res('list', 'deployments', { group: 'apps' }), res('list', 'configmaps'), res('list', 'pods')];
    expect(generated(r, NO_NAMES_NO_NS)).toEqual([{ kind: 'ClusterRole', namespace: '', rules: [rule(['get', 'list', 'watch'], '', ['configmaps', 'pods']), rule(['get', 'list', 'watch'], 'apps', ['deployments'])] }]);
  });
});

describe('least privilege by default (the same requests, no opt-ins)', () => {
  it('only the verbs seen, names kept up to the threshold, namespaces kept', () => {
    const r = [res('list', 'secrets', { ns: 'infra' }), ...podsAndDeployments([['ns1', 'pod1'], ['ns2', 'pod1']])];
    expect(generated(r, {})).toEqual([
      { kind: 'Role', namespace: 'infra', rules: [rule(['list'], '', ['secrets'])] },
      // ns1 and ns2 need the same two rules: one shared ClusterRole
      { kind: 'ClusterRole', namespace: '', rules: [rule(['get'], '', ['pods'], ['pod1']), rule(['get'], 'apps', ['deployments'], ['dep1'])] },
    ]);
  });

  it('more names than the threshold: every name', () => {
    const r = ['a', 'b', 'c'].map((n) => res('get', 'configmaps', { ns: 'x', name: n }));
    expect(generated(r, { namesThreshold: 2 })).toEqual([{ kind: 'Role', namespace: 'x', rules: [rule(['get'], '', ['configmaps'])] }]);
    expect(generated(r, { expandNames: true, namesThreshold: 10 })).toEqual([{ kind: 'Role', namespace: 'x', rules: [rule(['get'], '', ['configmaps'])] }]);
    expect(generated(r, {})).toEqual([{ kind: 'Role', namespace: 'x', rules: [rule(['get'], '', ['configmaps'], ['a', 'b', 'c'])] }]);
  });
});
