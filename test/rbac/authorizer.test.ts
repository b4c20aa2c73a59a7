/**
 * Kubernetes' own authorizer tests, ported as data:
 * plugin/pkg/auth/authorizer/rbac/rbac_test.go (TestAuthorizer, TestRuleMatches) and
 * pkg/registry/rbac/validation/rule_test.go (TestDefaultRuleResolver, TestAppliesTo), v1.20.2,
 * plus the cases of spec §2 (resourceNames, star-slash subresources, trailing-star URLs, SA groups, scoping).
 */
import { describe, expect, it } from 'vitest';
import { applicableGrants, authorize, buildIndex, rbacAuthorize } from '../../src/rbac/authorizer.js';
import { impersonatedUser } from '../../src/rbac/identity.js';
import { ruleAllows } from '../../src/rbac/rules.js';
import { nonResourceRequest, resourceRequest, type RbacPolicy, type RequestAttributes, type UserInfo } from '../../src/rbac/types.js';
import { clusterRole, clusterRoleBinding, newRule, policy, role, roleBinding, rule } from './upstream.js';

/** defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup}; groups split on "," like the Go test */
function attrs(user: string, groups: string, verb: string, resource: string, subresource: string, namespace: string, apiGroup: string): [UserInfo, RequestAttributes] {
  return [{ name: user, groups: groups.split(',') }, resourceRequest({ verb, resource, subresource, namespace, apiGroup })];
}
function url(u: Partial<UserInfo>, verb: string, path: string): [UserInfo, RequestAttributes] {
  return [{ name: u.name ?? '', groups: u.groups ?? [] }, nonResourceRequest(verb, path)];
}

const authorizerCases: { name: string; policy: RbacPolicy; pass: [UserInfo, RequestAttributes][]; fail: [UserInfo, RequestAttributes][] }[] = [
  {
    name: 'RoleBinding to a ClusterRole is scoped to its namespace; case matters',
    policy: policy({
      clusterRoles: [clusterRole('admin', [newRule('*', '*', '*', '*')])],
      roleBindings: [roleBinding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    }),
    pass: [
      attrs('admin', '', 'get', 'Pods', '', 'ns1', ''),
      attrs('admin', '', 'watch', 'Pods', '', 'ns1', ''),
      attrs('admin', 'group1', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'admins', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'group1,admins', 'watch', 'Foobar', '', 'ns1', ''),
    ],
    fail: [
      attrs('admin', '', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', '', 'GET', 'Nodes', '', '', ''),
      attrs('admin', 'admins', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', 'admins', 'GET', 'Nodes', '', '', ''),
    ],
  },
  {
    name: 'non-resource URLs',
    policy: policy({
      clusterRoles: [
        clusterRole('non-resource-url-getter', [newRule('get', '', '', '/apis')]),
        clusterRole('non-resource-url', [newRule('*', '', '', '/apis')]),
        clusterRole('non-resource-url-prefix', [newRule('get', '', '', '/apis/*')]),
      ],
      clusterRoleBindings: [
        clusterRoleBinding('non-resource-url-getter', 'User:foo', 'Group:bar'),
        clusterRoleBinding('non-resource-url', 'User:admin', 'Group:admin'),
        clusterRoleBinding('non-resource-url-prefix', 'User:prefixed', 'Group:prefixed'),
      ],
    }),
    pass: [
      url({ name: 'foo' }, 'get', '/apis'),
      url({ groups: ['bar'] }, 'get', '/apis'),
      url({ name: 'admin' }, 'get', '/apis'),
      url({ groups: ['admin'] }, 'get', '/apis'),
      url({ name: 'admin' }, 'watch', '/apis'),
      url({ groups: ['admin'] }, 'watch', '/apis'),
      url({ name: 'prefixed' }, 'get', '/apis/v1'),
      url({ groups: ['prefixed'] }, 'get', '/apis/v1'),
      url({ name: 'prefixed' }, 'get', '/apis/v1/foobar'),
      url({ groups: ['prefixed'] }, 'get', '/apis/v1/foorbar'),
    ],
    fail: [
      url({ name: 'foo' }, 'watch', '/apis'),
      url({ groups: ['bar'] }, 'watch', '/apis'),
      url({ name: 'foo' }, 'get', '/api/v1'),
      url({ groups: ['bar'] }, 'get', '/api/v1'),
      url({ name: 'admin' }, 'get', '/api/v1'),
      url({ groups: ['admin'] }, 'get', '/api/v1'),
      url({ name: 'prefixed' }, 'get', '/api/v1'),
      url({ groups: ['prefixed'] }, 'get', '/api/v1'),
      // spec §1.4: "/apis/*" is a raw prefix of "/apis/", not of "/apis"
      url({ name: 'prefixed' }, 'get', '/apis'),
    ],
  },
  {
    name: 'pods does not cover pods/status',
    policy: policy({
      clusterRoles: [clusterRole('admin', [newRule('*', '*', 'pods', '*')])],
      roleBindings: [roleBinding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    }),
    pass: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
    fail: [attrs('admin', '', 'get', 'pods', 'status', 'ns1', '')],
  },
  {
    name: 'resource/subresource and */subresource',
    policy: policy({
      clusterRoles: [clusterRole('admin', [newRule('*', '*', 'pods/status', '*'), newRule('*', '*', '*/scale', '*')])],
      roleBindings: [roleBinding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    }),
    pass: [
      attrs('admin', '', 'get', 'pods', 'status', 'ns1', ''),
      attrs('admin', '', 'get', 'pods', 'scale', 'ns1', ''),
      attrs('admin', '', 'get', 'deployments', 'scale', 'ns1', ''),
      attrs('admin', '', 'get', 'anything', 'scale', 'ns1', ''),
    ],
    fail: [attrs('admin', '', 'get', 'pods', '', 'ns1', ''), attrs('admin', '', 'get', 'deployments', 'xscale', 'ns1', ''), attrs('admin', '', 'get', 'deployments', 'cale', 'ns1', '')],
  },
];

describe('TestAuthorizer (rbac_test.go)', () => {
  authorizerCases.forEach((c, i) => {
    const index = buildIndex(c.policy);
    for (const [u, a] of c.pass) it(`case ${i} ${c.name}: allows ${u.name}/${u.groups.join(',')} ${a.verb} ${a.resource || a.path}/${a.subresource} in "${a.namespace}"`, () => expect(authorize(index, u, a).allowed).toBe(true));
    for (const [u, a] of c.fail) it(`case ${i} ${c.name}: denies ${u.name}/${u.groups.join(',')} ${a.verb} ${a.resource || a.path}/${a.subresource} in "${a.namespace}"`, () => expect(authorize(index, u, a).allowed).toBe(false));
  });
});

type RuleCase = { name: string; rule: ReturnType<typeof rule>; expect: [RequestAttributes, boolean][] };
const rr = (verb: string, group: string, resource: string, subresource = ''): RequestAttributes => resourceRequest({ verb, apiGroup: group, resource, subresource });
const nr = (verb: string, path: string): RequestAttributes => nonResourceRequest(verb, path);
const matrix8 = (r: ReturnType<typeof rule>, results: boolean[]): [RequestAttributes, boolean][] => {
  const reqs = [rr('verb1', 'group1', 'resource1'), rr('verb1', 'group2', 'resource1'), rr('verb1', 'group1', 'resource2'), rr('verb1', 'group2', 'resource2'), rr('verb2', 'group1', 'resource1'), rr('verb2', 'group2', 'resource1'), rr('verb2', 'group1', 'resource2'), rr('verb2', 'group2', 'resource2')];
  void r;
  return reqs.map((q, i) => [q, results[i] ?? false]);
};
const urls = ['/foo', '/foo/bar', '/foo/baz', '/foo/bar/one', '/foo/baz/one'];
const ruleCases: RuleCase[] = [
  { name: 'star verb, exact match other', rule: rule({ verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] }), expect: [] },
  { name: 'star group, exact match other', rule: rule({ verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] }), expect: [] },
  { name: 'star resource, exact match other', rule: rule({ verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] }), expect: [] },
  { name: 'tuple expansion', rule: rule({ verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] }), expect: [] },
];
(ruleCases[0] as RuleCase).expect = matrix8((ruleCases[0] as RuleCase).rule, [true, false, false, false, true, false, false, false]);
(ruleCases[1] as RuleCase).expect = matrix8((ruleCases[1] as RuleCase).rule, [true, true, false, false, false, false, false, false]);
(ruleCases[2] as RuleCase).expect = matrix8((ruleCases[2] as RuleCase).rule, [true, false, true, false, false, false, false, false]);
(ruleCases[3] as RuleCase).expect = matrix8((ruleCases[3] as RuleCase).rule, [true, true, true, true, true, true, true, true]);
ruleCases.push(
  {
    name: 'subresource expansion',
    rule: rule({ verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] }),
    expect: [
      [rr('verb1', 'group1', 'resource1', 'subresource1'), true],
      [rr('verb1', 'group2', 'resource1', 'subresource2'), false],
      [rr('verb1', 'group1', 'resource2', 'subresource1'), false],
      [rr('verb1', 'group2', 'resource2', 'subresource1'), false],
      [rr('verb2', 'group1', 'resource1', 'subresource1'), true],
      [rr('verb2', 'group2', 'resource1', 'subresource2'), false],
      [rr('verb2', 'group1', 'resource2', 'subresource1'), false],
      [rr('verb2', 'group2', 'resource2', 'subresource1'), false],
    ],
  },
  { name: 'star nonresource, exact match other', rule: rule({ verbs: ['verb1'], nonResourceURLs: ['*'] }), expect: [...urls.map((u): [RequestAttributes, boolean] => [nr('verb1', u), true]), ...urls.map((u): [RequestAttributes, boolean] => [nr('verb2', u), false])] },
  {
    name: 'star nonresource subpath',
    rule: rule({ verbs: ['verb1'], nonResourceURLs: ['/foo/*'] }),
    expect: [
      [nr('verb1', '/foo'), false],
      ...urls.slice(1).map((u): [RequestAttributes, boolean] => [nr('verb1', u), true]),
      ...['/notfoo', '/notfoo/bar', '/notfoo/baz', '/notfoo/bar/one', '/notfoo/baz/one'].map((u): [RequestAttributes, boolean] => [nr('verb1', u), false]),
    ],
  },
  {
    name: 'star verb, exact nonresource',
    rule: rule({ verbs: ['*'], nonResourceURLs: ['/foo', '/foo/bar/one'] }),
    expect: ['verb1', 'verb2'].flatMap((v) => urls.map((u): [RequestAttributes, boolean] => [nr(v, u), u === '/foo' || u === '/foo/bar/one'])),
  },
  // spec §1.4 additions
  {
    name: 'trailing * is a raw string prefix (several * trimmed)',
    rule: rule({ verbs: ['get'], nonResourceURLs: ['/healthz*', '/x**'] }),
    expect: [
      [nr('get', '/healthz'), true],
      [nr('get', '/healthz/etcd'), true],
      [nr('get', '/healthzfoo'), true],
      [nr('get', '/health'), false],
      [nr('get', '/x'), true],
      [nr('get', '/xyz'), true],
    ],
  },
  {
    name: 'pods/* and */* are literal strings',
    rule: rule({ verbs: ['get'], apiGroups: [''], resources: ['pods/*', '*/*'] }),
    expect: [
      [rr('get', '', 'pods', 'log'), false],
      [rr('get', '', 'pods'), false],
      [resourceRequest({ verb: 'get', resource: 'pods', subresource: '*' }), true],
    ],
  },
  {
    name: 'resource * covers subresources',
    rule: rule({ verbs: ['get'], apiGroups: [''], resources: ['*'] }),
    expect: [
      [rr('get', '', 'pods', 'log'), true],
      [rr('get', '', 'nodes', 'proxy'), true],
    ],
  },
  {
    name: 'verb * covers special verbs; verbs are case-sensitive',
    rule: rule({ verbs: ['*'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] }),
    expect: [
      [rr('escalate', 'rbac.authorization.k8s.io', 'clusterroles'), true],
      [rr('bind', 'rbac.authorization.k8s.io', 'clusterroles'), true],
      [rr('get', 'RBAC.authorization.k8s.io', 'clusterroles'), false],
    ],
  },
  {
    name: 'resourceNames: the name must equal an entry; an unnamed request (create, list) never matches',
    rule: rule({ verbs: ['get', 'list', 'watch', 'create', 'deletecollection'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'] }),
    expect: [
      [resourceRequest({ verb: 'get', resource: 'secrets', name: 'a' }), true],
      [resourceRequest({ verb: 'get', resource: 'secrets', name: 'c' }), false],
      [resourceRequest({ verb: 'list', resource: 'secrets' }), false],
      // list/watch with fieldSelector=metadata.name=a carries the name (requestinfo.go)
      [resourceRequest({ verb: 'list', resource: 'secrets', name: 'a' }), true],
      [resourceRequest({ verb: 'watch', resource: 'secrets', name: 'b' }), true],
      [resourceRequest({ verb: 'create', resource: 'secrets' }), false],
      [resourceRequest({ verb: 'deletecollection', resource: 'secrets' }), false],
    ],
  },
  {
    name: 'empty resourceNames matches the empty name',
    rule: rule({ verbs: ['create'], apiGroups: [''], resources: ['pods'] }),
    expect: [[resourceRequest({ verb: 'create', resource: 'pods' }), true]],
  },
  {
    name: 'a resource rule never matches a non-resource request and vice versa',
    rule: rule({ verbs: ['get'], apiGroups: ['*'], resources: ['*'] }),
    expect: [[nr('get', '/healthz'), false]],
  },
  {
    name: 'a URL rule never matches a resource request',
    rule: rule({ verbs: ['get'], nonResourceURLs: ['*'] }),
    expect: [[rr('get', '', 'pods'), false]],
  },
);

describe('TestRuleMatches (rbac_test.go) and evaluation_helpers.go', () => {
  for (const c of ruleCases) {
    c.expect.forEach(([req, want], i) => {
      it(`${c.name} #${i}: ${req.verb} ${req.resourceRequest ? `${req.apiGroup}/${req.resource}/${req.subresource}/${req.name}` : req.path} → ${want}`, () => expect(ruleAllows(req, c.rule)).toBe(want));
    });
  }
});

describe('TestDefaultRuleResolver (rule_test.go)', () => {
  const ruleReadPods = rule({ verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['pods'] });
  const ruleReadServices = rule({ verbs: ['GET', 'WATCH'], apiGroups: ['v1'], resources: ['services'] });
  const ruleWriteNodes = rule({ verbs: ['PUT', 'CREATE', 'UPDATE'], apiGroups: ['v1'], resources: ['nodes'] });
  const ruleAdmin = rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  const p = policy({
    roles: [role('namespace1', 'readthings', [ruleReadPods, ruleReadServices])],
    clusterRoles: [clusterRole('cluster-admin', [ruleAdmin]), clusterRole('write-nodes', [ruleWriteNodes])],
    roleBindings: [roleBinding('namespace1', 'readthings', 'Role', 'User:foobar', 'Group:group1')],
    clusterRoleBindings: [clusterRoleBinding('cluster-admin', 'User:admin', 'Group:admin')],
  });
  const index = buildIndex(p);
  const rulesFor = (u: UserInfo, ns: string) => applicableGrants(index, u, ns).flatMap((g) => g.rules);
  it('foobar in namespace1 gets the Role', () => expect(rulesFor({ name: 'foobar', groups: [] }, 'namespace1')).toEqual([ruleReadPods, ruleReadServices]));
  it('foobar in namespace2 gets nothing', () => expect(rulesFor({ name: 'foobar', groups: [] }, 'namespace2')).toEqual([]));
  it('without a namespace only cluster rules apply', () => expect(rulesFor({ name: 'foobar', groups: ['admin'] }, '')).toEqual([ruleAdmin]));
  it('the empty user gets nothing', () => expect(rulesFor({ name: '', groups: [] }, '')).toEqual([]));
});

describe('TestAppliesTo (rule_test.go)', () => {
  const cases: { subjects: string[]; user: UserInfo; namespace: string; applies: boolean; index?: number; name: string }[] = [
    { name: 'single subject that matches username', subjects: ['User:foobar'], user: { name: 'foobar', groups: [] }, namespace: '', applies: true, index: 0 },
    { name: 'multiple subjects, one that matches username', subjects: ['User:barfoo', 'User:foobar'], user: { name: 'foobar', groups: [] }, namespace: '', applies: true, index: 1 },
    { name: 'multiple subjects, none that match username', subjects: ['User:barfoo', 'User:foobar'], user: { name: 'zimzam', groups: [] }, namespace: '', applies: false },
    { name: 'multiple subjects, one that match group', subjects: ['User:barfoo', 'Group:foobar'], user: { name: 'zimzam', groups: ['foobar'] }, namespace: '', applies: true, index: 1 },
    { name: 'one that match group, should ignore namespace', subjects: ['User:barfoo', 'Group:foobar'], user: { name: 'zimzam', groups: ['foobar'] }, namespace: 'namespace1', applies: true, index: 1 },
    { name: 'multiple subjects with a service account that matches', subjects: ['User:barfoo', 'Group:foobar', 'ServiceAccount:kube-system:default'], user: { name: 'system:serviceaccount:kube-system:default', groups: [] }, namespace: 'default', applies: true, index: 2 },
    { name: "* user subject name doesn't match all users", subjects: ['User:*'], user: { name: 'foobar', groups: [] }, namespace: 'default', applies: false },
    { name: 'all authenticated and unauthenticated matches authenticated user', subjects: ['Group:system:authenticated', 'Group:system:unauthenticated'], user: { name: 'foobar', groups: ['system:authenticated'] }, namespace: 'default', applies: true, index: 0 },
    { name: 'all authenticated and unauthenticated matches anonymous user', subjects: ['Group:system:authenticated', 'Group:system:unauthenticated'], user: { name: 'system:anonymous', groups: ['system:unauthenticated'] }, namespace: 'default', applies: true, index: 1 },
    // spec §1.5
    { name: 'SA subject without namespace takes the RoleBinding namespace', subjects: ['ServiceAccount:default'], user: { name: 'system:serviceaccount:ns1:default', groups: [] }, namespace: 'ns1', applies: true, index: 0 },
    { name: 'a User subject named like an SA matches that SA', subjects: ['User:system:serviceaccount:ns1:sa'], user: { name: 'system:serviceaccount:ns1:sa', groups: [] }, namespace: 'ns1', applies: true, index: 0 },
    { name: 'group match is case-sensitive', subjects: ['Group:Admins'], user: { name: 'x', groups: ['admins'] }, namespace: '', applies: false },
    { name: 'an unknown subject kind never applies', subjects: ['Robot:x'], user: { name: 'x', groups: ['x'] }, namespace: '', applies: false },
  ];
  const everything = clusterRole('all', [rule({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] })]);
  for (const c of cases) {
    it(c.name, () => {
      const b = c.namespace ? roleBinding(c.namespace, 'all', 'ClusterRole', ...c.subjects) : clusterRoleBinding('all', ...c.subjects);
      const index = buildIndex(policy({ clusterRoles: [everything], ...(c.namespace ? { roleBindings: [b] } : { clusterRoleBindings: [b] }) }));
      const d = rbacAuthorize(index, c.user, resourceRequest({ verb: 'get', resource: 'pods', namespace: c.namespace }));
      expect(d.allowed).toBe(c.applies);
      if (c.applies) expect(d.grant?.subjectIndex).toBe(c.index);
    });
  }
  it('an SA subject without namespace in a ClusterRoleBinding never matches', () => {
    const index = buildIndex(policy({ clusterRoles: [everything], clusterRoleBindings: [clusterRoleBinding('all', 'ServiceAccount:default')] }));
    expect(rbacAuthorize(index, { name: 'system:serviceaccount::default', groups: [] }, resourceRequest({ verb: 'get', resource: 'pods' })).allowed).toBe(false);
    expect(rbacAuthorize(index, { name: 'system:serviceaccount:default:default', groups: [] }, resourceRequest({ verb: 'get', resource: 'pods', namespace: 'default' })).allowed).toBe(false);
  });
});

describe('scoping, missing roles, union, system:masters', () => {
  const p = policy({
    roles: [role('ns1', 'reader', [rule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] })]), role('ns2', 'writer', [rule({ verbs: ['create'], apiGroups: [''], resources: ['pods'] })])],
    clusterRoles: [clusterRole('nodes-and-urls', [rule({ verbs: ['get'], apiGroups: [''], resources: ['nodes', 'namespaces'] }), rule({ verbs: ['get'], nonResourceURLs: ['/metrics'] })]), clusterRole('pod-deleter', [rule({ verbs: ['delete'], apiGroups: [''], resources: ['pods'] })])],
    roleBindings: [
      roleBinding('ns1', 'reader', 'Role', 'User:alice'),
      // Role lookups use the binding namespace: ns1 has no "writer"
      roleBinding('ns1', 'writer', 'Role', 'User:alice'),
      roleBinding('ns1', 'nodes-and-urls', 'ClusterRole', 'User:alice'),
      roleBinding('ns1', 'missing', 'ClusterRole', 'User:alice'),
      roleBinding('ns1', 'pod-deleter', 'ClusterRole', 'Group:system:serviceaccounts:ns1'),
    ],
    clusterRoleBindings: [clusterRoleBinding('gone', 'User:bob'), clusterRoleBinding('pod-deleter', 'Group:system:serviceaccounts')],
  });
  const index = buildIndex(p);
  const alice = { name: 'alice', groups: ['system:authenticated'] };
  it('a Role is used only in its own namespace', () => {
    expect(authorize(index, alice, resourceRequest({ verb: 'get', resource: 'pods', namespace: 'ns1' })).allowed).toBe(true);
    expect(authorize(index, alice, resourceRequest({ verb: 'create', resource: 'pods', namespace: 'ns1' })).allowed).toBe(false);
  });
  it('a RoleBinding never grants cluster-scoped resources or URLs', () => {
    expect(authorize(index, alice, resourceRequest({ verb: 'get', resource: 'nodes' })).allowed).toBe(false);
    expect(authorize(index, alice, nonResourceRequest('get', '/metrics')).allowed).toBe(false);
  });
  it('a RoleBinding grants get on its own Namespace object (namespace = name)', () => {
    expect(authorize(index, alice, resourceRequest({ verb: 'get', resource: 'namespaces', namespace: 'ns1', name: 'ns1' })).allowed).toBe(true);
  });
  it('missing roles are reported and skipped, never deny', () => {
    const d = authorize(index, alice, resourceRequest({ verb: 'list', resource: 'pods', namespace: 'ns1' }));
    expect(d.allowed).toBe(false);
    expect(d.errors).toContain('clusterrole.rbac.authorization.k8s.io "missing" not found');
    expect(d.errors).toContain('role.rbac.authorization.k8s.io "writer" not found');
    expect(authorize(index, alice, resourceRequest({ verb: 'get', resource: 'pods', namespace: 'ns1' })).allowed).toBe(true);
  });
  it('service-account groups come from the authenticator, not the name', () => {
    const saNoGroups = { name: 'system:serviceaccount:ns1:x', groups: [] };
    expect(authorize(index, saNoGroups, resourceRequest({ verb: 'delete', resource: 'pods', namespace: 'ns2' })).allowed).toBe(false);
    const sa = impersonatedUser('system:serviceaccount:ns1:x');
    expect(sa.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']);
    expect(authorize(index, sa, resourceRequest({ verb: 'delete', resource: 'pods', namespace: 'ns2' })).allowed).toBe(true);
  });
  it('system:masters is allowed in front of RBAC, not by RBAC', () => {
    const root = { name: 'root', groups: ['system:masters'] };
    expect(authorize(index, root, resourceRequest({ verb: 'anything', resource: 'whatever' }))).toMatchObject({ allowed: true, by: 'system:masters' });
    expect(rbacAuthorize(index, root, resourceRequest({ verb: 'anything', resource: 'whatever' })).allowed).toBe(false);
  });
  it('explains the binding, subject, role and rule that allowed', () => {
    const d = authorize(index, alice, resourceRequest({ verb: 'get', resource: 'pods', namespace: 'ns1' }));
    expect(d.grant?.binding.kind).toBe('RoleBinding');
    expect(d.grant?.role?.name).toBe('reader');
    expect(d.ruleIndex).toBe(0);
  });
});

describe('impersonatedUser (impersonation.go)', () => {
  it('adds system:authenticated', () => expect(impersonatedUser('alice', ['dev'])).toEqual({ name: 'alice', groups: ['dev', 'system:authenticated'] }));
  it('keeps an explicit system:unauthenticated', () => expect(impersonatedUser('alice', ['system:unauthenticated'])).toEqual({ name: 'alice', groups: ['system:unauthenticated'] }));
  it('anonymous gets system:unauthenticated', () => expect(impersonatedUser('system:anonymous')).toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'] }));
  it('an SA with explicit groups gets no SA groups', () => expect(impersonatedUser('system:serviceaccount:a:b', ['g'])).toEqual({ name: 'system:serviceaccount:a:b', groups: ['g', 'system:authenticated'] }));
  it('an invalid SA name is a plain user', () => expect(impersonatedUser('system:serviceaccount:A:b')).toEqual({ name: 'system:serviceaccount:A:b', groups: ['system:authenticated'] }));
});

describe('compiled rules decide exactly as the literal port', () => {
  it('agrees on random rules and requests', async () => {
    const { compileRule, compiledAllows, combinedResource } = await import('../../src/rbac/rules.js');
    const { rng } = await import('./requests.js');
    const r = rng(3);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const some = (xs: readonly string[]): string[] => xs.filter(() => r() < 0.3);
    const verbs = ['*', 'get', 'list', 'GET', 'bind'];
    const groups = ['*', '', 'apps', 'Apps'];
    const resources = ['*', 'pods', 'pods/log', '*/log', '*/scale', 'pods/*', '*/*', 'deployments', 'deployments/scale', '*/'];
    const names = ['a', 'b', ''];
    const urls = ['*', '/a', '/a/*', '/a*', '/b**', '/', ''];
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const x = rule({ verbs: some(verbs), apiGroups: some(groups), resources: some(resources), resourceNames: r() < 0.3 ? some(names) : [], nonResourceURLs: some(urls) });
      const c = compileRule(x);
      for (let j = 0; j < 10; j++) {
        const a: RequestAttributes = r() < 0.8
          ? resourceRequest({ verb: pick(verbs.slice(1)), apiGroup: pick(groups.slice(1)), resource: pick(['pods', 'deployments', '*', 'x']), subresource: pick(['', 'log', 'scale', '*', 'cale']), name: pick(names) })
          : nonResourceRequest(pick(verbs.slice(1)), pick(['/a', '/a/', '/a/b', '/ab', '/b', '/bc', '/', '', '/x']));
        expect(compiledAllows(c, a, combinedResource(a)), JSON.stringify({ x, a })).toBe(ruleAllows(a, x));
        checked++;
      }
    }
    expect(checked).toBe(30000);
  });
});
