/**
 * A deterministic generator of authorization questions drawn from a policy: subjects taken from its
 * bindings (users, groups, service accounts, anonymous, system:masters, strangers), and requests built
 * from its rules (exact hits, near misses: other verb, group, subresource, name, namespace, URL prefix)
 * plus built-in resources. Used by the differential e2e test and the benchmark.
 */
import { impersonatedUser, serviceAccountUsername } from '../../src/rbac/identity.js';
import { BUILTIN_RESOURCES } from '../../src/rbac/resources.js';
import type { Binding, RbacPolicy, RequestAttributes, UserInfo } from '../../src/rbac/types.js';

export interface Question {
  user: UserInfo;
  attributes: RequestAttributes;
}

/** mulberry32: small, seeded, good enough to spread choices */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isNode = (u: UserInfo): boolean => u.name.startsWith('system:node:') && u.groups.includes('system:nodes');

/** a user each subject of a binding stands for (node identities left out: the Node authorizer, not modelled, decides for them) */
function bindingUsers(b: Binding): UserInfo[] {
  return b.subjects
    .flatMap((s) => {
      if (s.kind === 'User') return [impersonatedUser(s.name)];
      if (s.kind === 'Group') return [impersonatedUser('kubeward-member', [s.name])];
      const ns = s.namespace || b.namespace;
      return s.kind === 'ServiceAccount' && ns ? [impersonatedUser(serviceAccountUsername(ns, s.name))] : [];
    })
    .filter((u) => !isNode(u));
}

export function subjectsOf(policy: RbacPolicy): UserInfo[] {
  const users = new Map<string, UserInfo>();
  const add = (u: UserInfo): void => void users.set(`${u.name}|${u.groups.join(',')}`, u);
  for (const b of [...policy.clusterRoleBindings, ...policy.roleBindings]) bindingUsers(b).forEach(add);
  for (const sa of policy.serviceAccounts) add(impersonatedUser(serviceAccountUsername(sa.namespace, sa.name)));
  add(impersonatedUser('system:anonymous'));
  add(impersonatedUser('stranger'));
  add({ name: 'no-groups', groups: [] });
  add({ name: 'root', groups: ['system:masters'] });
  // the authenticator, not the name, gives an SA its groups
  add({ name: 'system:serviceaccount:edge:edge-sa', groups: [] });
  add(impersonatedUser('kubeward-member', ['edge-group']));
  return [...users.values()].filter((u) => !isNode(u));
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate', 'approve', 'use', '*', 'GET'];
const URL_VERBS = ['get', 'post', 'put', 'delete', 'head', 'options', 'patch', '*'];
const EXTRA_URLS = ['/', '/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/healthz', '/healthz/etcd', '/healthzfoo', '/livez', '/readyz', '/version', '/version/', '/metrics', '/openapi/v2', '/logs/x', '/edge', '/edge/exact', '/edge/exactly', '/edge/prefix', '/edge/prefix/', '/edge/prefix/a/b', '/edge-star', '/edge-starry', '/edge/multi', '/edge/multi*x'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

export function generateQuestions(policy: RbacPolicy, count: number, seed = 20): Question[] {
  const r = rng(seed);
  const users = subjectsOf(policy);
  const rules = [...policy.clusterRoles, ...policy.roles].flatMap((role) => role.rules);
  const resourceRules = rules.filter((x) => x.resources.length > 0);
  const urlRules = rules.filter((x) => x.nonResourceURLs.length > 0);
  const namespaces = [...new Set(['', 'default', 'kube-system', 'edge', 'edge-other', 'nowhere', ...policy.roleBindings.map((b) => b.namespace)])];
  const names = [...new Set(['', 'x', 'edge-a', 'edge-b', 'view', 'admin', 'cluster-admin', ...rules.flatMap((x) => x.resourceNames)])];
  const urls = [...new Set([...EXTRA_URLS, ...urlRules.flatMap((x) => x.nonResourceURLs.flatMap((u) => (u.endsWith('*') ? [u.replace(/\*+$/, ''), `${u.replace(/\*+$/, '')}sub/path`] : [u, `${u}/`])))])];
  // who holds which rules: a question drawn from a binding asks as one of its subjects, in its namespace
  const clusterRoles = new Map(policy.clusterRoles.map((x) => [x.name, x]));
  const roles = new Map(policy.roles.map((x) => [`${x.namespace}/${x.name}`, x]));
  const holders = [...policy.clusterRoleBindings, ...policy.roleBindings].flatMap((b) => {
    const role = b.roleRef.kind === 'ClusterRole' ? clusterRoles.get(b.roleRef.name) : roles.get(`${b.namespace}/${b.roleRef.name}`);
    const rs = role?.rules.filter((x) => x.resources.length > 0) ?? [];
    const subjects = bindingUsers(b);
    return rs.length && subjects.length ? [{ users: subjects, rules: rs, namespace: b.namespace }] : [];
  });
  const out: Question[] = [];
  while (out.length < count) {
    let user = pick(r, users);
    let held: { rules: typeof resourceRules; namespace: string } | undefined;
    if (r() < 0.5 && holders.length) {
      const h = pick(r, holders);
      user = pick(r, h.users);
      held = h;
    }
    const kind = held ? 0.5 : r();
    if (kind < 0.12) {
      // a non-resource request, often one a rule names
      out.push({ user, attributes: { resourceRequest: false, verb: pick(r, URL_VERBS), path: pick(r, urls), namespace: '', apiGroup: '', resource: '', subresource: '', name: '' } });
      continue;
    }
    let apiGroup: string;
    let resource: string;
    let subresource = '';
    let verb: string;
    if (kind < 0.75 && resourceRules.length) {
      // from a rule: a request it should allow, then maybe one thing changed
      const rule = pick(r, held?.rules ?? resourceRules);
      const g = pick(r, rule.apiGroups.length ? rule.apiGroups : ['']);
      apiGroup = g === '*' ? pick(r, ['', 'apps', 'example.com', 'rbac.authorization.k8s.io']) : g;
      const res = pick(r, rule.resources);
      const [base = '', sub = ''] = res.split('/', 2);
      resource = base === '*' ? pick(r, ['pods', 'deployments', 'secrets', 'widgets', 'nodes']) : base;
      subresource = sub === '*' ? pick(r, ['status', 'scale', 'log', '*']) : sub;
      const v = pick(r, rule.verbs.length ? rule.verbs : ['get']);
      verb = v === '*' ? pick(r, VERBS) : v;
      const change = r();
      if (change < 0.1) verb = pick(r, VERBS);
      else if (change < 0.18) apiGroup = pick(r, ['', 'apps', 'batch', 'extensions']);
      else if (change < 0.28) subresource = pick(r, ['', 'status', 'scale', 'exec', 'log', 'proxy', 'token']);
      else if (change < 0.33) resource = resource.toUpperCase();
    } else {
      const res = pick(r, BUILTIN_RESOURCES);
      apiGroup = res.group;
      resource = res.name;
      subresource = r() < 0.3 ? pick(r, res.subresources.length ? res.subresources : ['status']) : '';
      verb = pick(r, VERBS);
    }
    const name = r() < 0.6 ? '' : pick(r, names);
    const namespace = held?.namespace && r() < 0.8 ? held.namespace : pick(r, namespaces);
    out.push({ user, attributes: { resourceRequest: true, verb, namespace, apiGroup, resource, subresource, name, path: '' } });
  }
  return out;
}
