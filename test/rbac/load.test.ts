import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRbacFiles, loadRbacFromObjects, parseRbacText, RbacInputError, sourceOf } from '../../src/rbac/load.js';

const FIX = new URL('../fixtures/rbac/', import.meta.url).pathname;

describe('parseRbacText', () => {
  it('reads multi-document YAML and keeps the line of every object and rule', () => {
    const text = ['kind: ServiceAccount', 'metadata: {name: a, namespace: n}', '---', 'kind: Role', 'metadata:', '  name: r', '  namespace: n', 'rules:', '- verbs: [get]', '  resources: [pods]', '  apiGroups: [""]', '- verbs: [list]', '  resources: [pods]', '  apiGroups: [""]', ''].join('\n');
    const objs = parseRbacText(text, 'x.yaml');
    expect(objs.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role']);
    expect(sourceOf(objs[1]!)).toMatchObject({ file: 'x.yaml', line: 4 });
    const p = loadRbacFromObjects(objs);
    expect(p.roles[0]?.rules.map((r) => r.at.line)).toEqual([9, 12]);
    expect(p.serviceAccounts[0]).toMatchObject({ namespace: 'n', name: 'a' });
  });
  it('unwraps List and *List kinds with item lines', () => {
    const text = JSON.stringify({ kind: 'RoleBindingList', items: [{ kind: 'RoleBinding', metadata: { name: 'b', namespace: 'n' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [] }] }, null, 1);
    const objs = parseRbacText(text, 'x.json');
    expect(objs).toHaveLength(1);
    expect(sourceOf(objs[0]!)?.line).toBe(4);
  });
  it('bad YAML is an error naming file and line', () => {
    expect(() => parseRbacText('kind: Role\nmetadata: {name: x\nrules: [', 'bad.yaml')).toThrow(RbacInputError);
    expect(() => parseRbacText('a: 1\n---\nkind: Role\n  bad: indent\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+: /);
  });
  it('ignores other kinds and empty documents', () => {
    expect(parseRbacText('---\n---\nkind: ConfigMap\nmetadata: {name: x}\n', 'x.yaml')).toEqual([]);
  });
});

describe('loadRbacFromObjects', () => {
  it('gives namespaced objects without a namespace the default namespace, with a warning', () => {
    const p = loadRbacFromObjects([{ kind: 'Role', metadata: { name: 'r' }, rules: [] }], { defaultNamespace: 'argocd' });
    expect(p.roles[0]?.namespace).toBe('argocd');
    expect(p.warnings[0]).toMatch(/no namespace/);
  });
  it('a later object replaces an earlier one of the same name', () => {
    const p = loadRbacFromObjects([
      { kind: 'ClusterRole', metadata: { name: 'x' }, rules: [{ verbs: ['get'] }] },
      { kind: 'ClusterRole', metadata: { name: 'x' }, rules: [{ verbs: ['list'] }] },
    ]);
    expect(p.clusterRoles).toHaveLength(1);
    expect(p.clusterRoles[0]?.rules[0]?.verbs).toEqual(['list']);
    expect(p.warnings[0]).toMatch(/defined again/);
  });
  it('objects not read from files point at the API object', () => {
    const p = loadRbacFromObjects([{ kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'x' } }]);
    expect(p.clusterRoleBindings[0]?.at).toEqual({ kind: 'api', object: 'ClusterRoleBinding/b' });
  });
});

describe('loadRbacFiles', () => {
  it('reads a folder recursively, and fails clearly on a missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-rbac-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.yml'), 'kind: ClusterRole\nmetadata: {name: a}\n');
    writeFileSync(join(dir, 'notes.txt'), 'kind: ClusterRole\nmetadata: {name: b}\n');
    const { policy } = await loadRbacFiles([dir]);
    expect(policy.clusterRoles.map((r) => r.name)).toEqual(['a']);
    await expect(loadRbacFiles([join(dir, 'nope')])).rejects.toThrow(/no such file/);
  });
  it('loads the bootstrap policy with aggregation: admin ⊇ edit ⊇ view', async () => {
    const { policy } = await loadRbacFiles([join(FIX, 'k8s-bootstrap')]);
    expect(policy.clusterRoles.length).toBe(31 + 38);
    const count = (n: string) => policy.clusterRoles.find((r) => r.name === n)?.rules.length ?? 0;
    expect(count('view')).toBeGreaterThan(5);
    expect(count('edit')).toBeGreaterThan(count('view'));
    expect(count('admin')).toBeGreaterThan(count('edit'));
    const admin = policy.clusterRoles.find((r) => r.name === 'admin');
    expect(admin?.rules[0]?.at.file).toMatch(/cluster-roles\.yaml$/);
  });
  it('kube-prometheus RoleList / RoleBindingList are unwrapped', async () => {
    const { policy } = await loadRbacFiles([join(FIX, 'kube-prometheus')]);
    expect(policy.roles.length).toBeGreaterThanOrEqual(3);
    expect(policy.roleBindings.length).toBeGreaterThanOrEqual(3);
  });
});
