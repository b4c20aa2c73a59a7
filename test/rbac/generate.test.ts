import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAuditBatches } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { authorize } from '../../src/rbac/authorizer.js';
import {
  collectUsage,
  existingIndex,
  generateRbac,
  labelValue,
  objectNameFor,
  renderGenerated,
  subjectMatcher,
  toObjects,
  usageCollector,
  verifyGenerated,
} from '../../src/rbac/generate.js';
import { parseAllDocuments } from 'yaml';

const LAB = fileURLToPath(new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url));

// the workload identities of the k8s-1.20-lab capture (its README lists what each did)
const WORKLOADS = [
  'system:serviceaccount:ci:deployer',
  'system:serviceaccount:ci:jenkins',
  'system:serviceaccount:monitoring:prometheus',
  'system:serviceaccount:widget-system:widget-operator',
  'system:serviceaccount:tools:auditor',
  'system:serviceaccount:default:debug',
  'oidc:alice@example.test',
];

async function labUsage(names: string[]) {
  return collectUsage(readAuditBatches([LAB]), subjectMatcher(names));
}

describe('k8s-1.20-lab: generate then --verify for each workload identity', () => {
  it.each(WORKLOADS)('%s: every allowed request is allowed by the result, no denied one is', async (name) => {
    const usage = await labUsage([name]);
    const set = generateRbac(usage);
    expect(set.subjects.map((s) => s.user.name)).toEqual([name]);
    const [v] = verifyGenerated(usage, set);
    expect(v?.checked).toBeGreaterThan(0);
    expect(v?.failures).toEqual([]);
    expect(v?.allowed).toBe(v?.checked);
    // least privilege: nothing the authorizer denied is granted by the generated objects
    const index = existingIndex(toObjects(set), { defaults: false });
    const s = usage.subjects.get(name);
    for (const d of s?.denied.values() ?? []) expect(authorize(index, s!.user, d.attributes).allowed, JSON.stringify(d.attributes)).toBe(false);
  });

  it('ci/deployer: Roles in shop-dev and shop-staging only, the verbs it used, no secrets, scale subresource', async () => {
    const usage = await labUsage(['system:serviceaccount:ci:deployer']);
    const [g] = generateRbac(usage).subjects;
    const namespaces = new Set(g?.bindings.map((b) => b.namespace));
    expect(namespaces).toEqual(new Set(['shop-dev', 'shop-staging']));
    const rules = g?.roles.flatMap((r) => r.rules.map((x) => x.rule)) ?? [];
    expect(rules.some((r) => r.resources.includes('secrets'))).toBe(false);
    expect(rules.some((r) => r.resources.includes('deployments/scale') && r.verbs.includes('patch'))).toBe(true);
    expect(rules.every((r) => !r.verbs.includes('*') && !r.resources.includes('*'))).toBe(true);
    // denied: the secrets reads and the deployment delete are reported, not granted
    expect(g?.denied.some((d) => d.attributes.resource === 'secrets')).toBe(true);
  });

  it('prometheus: cluster-wide lists, /metrics without its query string, ResponseStarted+ResponseComplete counted once', async () => {
    const usage = await labUsage(['system:serviceaccount:monitoring:prometheus']);
    expect(usage.skipped.duplicate).toBeGreaterThan(0);
    const [g] = generateRbac(usage).subjects;
    const cr = g?.roles.find((r) => r.kind === 'ClusterRole' && g.bindings.some((b) => b.kind === 'ClusterRoleBinding' && b.roleRef.name === r.name));
    const urls = cr?.rules.flatMap((x) => x.rule.nonResourceURLs) ?? [];
    expect(urls).toContain('/metrics');
    expect(urls.every((u) => !u.includes('?'))).toBe(true);
    expect(cr?.rules.some((x) => x.rule.resources.includes('pods') && x.rule.verbs.includes('watch'))).toBe(true);
  });

  it('one pass for many subjects (glob)', async () => {
    const usage = await collectUsage(readAuditBatches([LAB]), subjectMatcher([], ['system:serviceaccount:ci:*', 'oidc:*']));
    expect([...usage.subjects.keys()].sort()).toEqual(['oidc:alice@example.test', 'oidc:bob@example.test', 'system:serviceaccount:ci:deployer', 'system:serviceaccount:ci:jenkins']);
    const set = generateRbac(usage, { includeDenied: true });
    for (const v of verifyGenerated(usage, set, [], { includeDenied: true })) expect(v.failures).toEqual([]);
  });

  it('explanations: count, first/last seen, sample auditIDs; YAML carries them as comments and parses', async () => {
    const usage = await labUsage(['system:serviceaccount:widget-system:widget-operator']);
    const set = generateRbac(usage);
    const rule = set.subjects[0]?.roles[0]?.rules[0];
    expect(rule?.why.count).toBeGreaterThan(0);
    expect(rule?.why.first).toMatch(/^2026-11-28T13:0/);
    expect(rule?.why.auditIDs.length).toBeGreaterThan(0);
    const yaml = renderGenerated(set, 'yaml');
    expect(yaml).toMatch(/# \d+ requests? .*auditIDs /);
    const docs = parseAllDocuments(yaml);
    expect(Array.isArray(docs) && docs.every((d) => d.errors.length === 0)).toBe(true);
    const json = JSON.parse(renderGenerated(set, 'json')) as { kind: string; items: { metadata: { annotations: Record<string, string> } }[] };
    expect(json.kind).toBe('List');
    expect(JSON.parse(json.items[0]?.metadata.annotations['kubeward.io/rule-explanations'] ?? '[]')).toHaveLength(set.subjects[0]?.roles[0]?.rules.length ?? -1);
  });
});

function ev(e: Partial<AuditEvent> & { verb: string }): AuditEvent {
  return { kind: 'Event', apiVersion: 'audit.k8s.io/v1', stage: 'ResponseComplete', user: { username: 'u', groups: ['system:authenticated'] }, responseStatus: { code: 200 }, ...e };
}

describe('event handling', () => {
  it('stages: RequestReceived and Panic skipped; a request is counted once per auditID', () => {
    const c = usageCollector(subjectMatcher(['u']));
    const ref = { resource: 'pods', namespace: 'a' };
    c.add(ev({ auditID: '1', verb: 'list', objectRef: ref, stage: 'RequestReceived' }));
    c.add(ev({ auditID: '1', verb: 'list', objectRef: ref, stage: 'ResponseComplete' }));
    c.add(ev({ auditID: '1', verb: 'list', objectRef: ref, stage: 'ResponseComplete' }));
    c.add(ev({ auditID: '2', verb: 'watch', objectRef: ref, stage: 'ResponseStarted' }));
    c.add(ev({ auditID: '2', verb: 'watch', objectRef: ref, stage: 'ResponseComplete' }));
    c.add(ev({ auditID: '3', verb: 'get', objectRef: ref, stage: 'Panic' }));
    expect(c.usage.skipped).toEqual({ stage: 2, duplicate: 2, unauthenticated: 0 });
    expect([...(c.usage.subjects.get('u')?.allowed.values() ?? [])].map((x) => [x.attributes.verb, x.stats.count])).toEqual([
      ['list', 1],
      ['watch', 1],
    ]);
  });

  it('denied by the decision annotation or 403; an admission 403 after "allow" is an allowed request; 401 skipped', () => {
    const c = usageCollector(subjectMatcher(['u']));
    const ref = { resource: 'pods', namespace: 'a' };
    c.add(ev({ auditID: '1', verb: 'create', objectRef: ref, responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'allow' } }));
    c.add(ev({ auditID: '2', verb: 'delete', objectRef: { ...ref, name: 'p' }, responseStatus: { code: 403 } }));
    c.add(ev({ auditID: '3', verb: 'get', objectRef: ref, responseStatus: { code: 401 } }));
    const s = c.usage.subjects.get('u');
    expect([...(s?.allowed.values() ?? [])].map((x) => x.attributes.verb)).toEqual(['create']);
    expect([...(s?.denied.values() ?? [])].map((x) => x.attributes.verb)).toEqual(['delete']);
    expect(c.usage.skipped.unauthenticated).toBe(1);
  });

  it('create has no name for RBAC; impersonation: events belong to the impersonated user, the impersonator gets a warning', () => {
    const c = usageCollector(subjectMatcher(['admin', 'bob']));
    c.add(ev({ auditID: '1', verb: 'create', objectRef: { resource: 'configmaps', namespace: 'a', name: 'x' } }));
    c.add(ev({ auditID: '2', verb: 'list', user: { username: 'admin', groups: [] }, impersonatedUser: { username: 'bob', groups: ['system:authenticated'] }, objectRef: { resource: 'pods', namespace: 'a' } }));
    const set = generateRbac(c.usage);
    expect(set.subjects.map((s) => s.user.name)).toEqual(['admin', 'bob']);
    expect(set.subjects[0]?.warnings.join()).toMatch(/impersonated "bob"/);
    expect(set.subjects[1]?.roles[0]?.rules[0]?.rule.resources).toEqual(['pods']);
  });

  it('warns about what logs cannot teach: escalate, bind, approve, use', () => {
    const c = usageCollector(subjectMatcher(['u']));
    const rbac = 'rbac.authorization.k8s.io';
    c.add(ev({ auditID: '1', verb: 'create', objectRef: { resource: 'roles', apiGroup: rbac, namespace: 'a' } }));
    c.add(ev({ auditID: '2', verb: 'create', objectRef: { resource: 'rolebindings', apiGroup: rbac, namespace: 'a' } }));
    c.add(ev({ auditID: '3', verb: 'update', objectRef: { resource: 'certificatesigningrequests', apiGroup: 'certificates.k8s.io', subresource: 'approval', name: 'c' } }));
    c.add(ev({ auditID: '4', verb: 'create', objectRef: { resource: 'pods', namespace: 'a' } }));
    const w = generateRbac(c.usage).subjects[0]?.warnings.join('\n') ?? '';
    for (const word of ['`escalate`', '`bind`', '`approve`', '`use`']) expect(w).toContain(word);
  });

  it('what the default discovery, basic-user and public-info-viewer roles allow is not generated', () => {
    const c = usageCollector(subjectMatcher(['u']));
    for (const [i, path] of ['/api', '/apis/apps/v1', '/livez', '/readyz?verbose', '/version', '/healthz'].entries()) c.add(ev({ auditID: String(i), verb: 'get', requestURI: path }));
    c.add(ev({ auditID: 'ssar', verb: 'create', objectRef: { resource: 'selfsubjectaccessreviews', apiGroup: 'authorization.k8s.io' } }));
    c.add(ev({ auditID: 'm', verb: 'get', requestURI: '/metrics?x=1' }));
    const [g] = generateRbac(c.usage).subjects;
    expect(g?.alreadyAllowed).toBe(7);
    expect(g?.roles.flatMap((r) => r.rules.map((x) => x.rule.nonResourceURLs))).toEqual([['/metrics']]);
  });
});

describe('names and labels', () => {
  it('label values stay valid (≤ 63 characters, alphanumeric ends), long ones keep a prefix and a hash', () => {
    const long = `system:serviceaccount:${'n'.repeat(40)}:${'s'.repeat(60)}`;
    const v = labelValue(long);
    expect(v.length).toBeLessThanOrEqual(63);
    expect(v).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    expect(labelValue(`${long}x`)).not.toBe(v);
    expect(labelValue('system:serviceaccount:ns1:sa1')).toBe('system-serviceaccount-ns1-sa1');
    expect(labelValue('oidc:alice@example.test')).toBe('oidc-alice-example.test');
  });

  it('object names are path-segment safe', () => {
    expect(objectNameFor('kubeward:', 'oidc:alice@example.test')).toBe('kubeward:oidc:alice-example.test');
    expect(objectNameFor('kubeward:', 'a/b%c')).toBe('kubeward:a-b-c');
  });
});
