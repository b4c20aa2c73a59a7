/** The RBAC risk checks (R1–R29), RuleTester style, on small RBAC documents read with their lines. */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { testCheck } from '../helpers/check-tester.js';
import type { ControlPlane } from '../../src/model/control-plane.js';
import { runChecks } from '../../src/checks/registry.js';
import { parseRbacText } from '../../src/rbac/load.js';
import { rbacRiskChecks } from '../../src/rbac/risk-checks.js';

type Doc = Record<string, unknown>;
const cp = (...docs: Doc[]): ControlPlane => ({ hosts: [], problems: [], partial: [], rbac: parseRbacText(docs.map((d) => stringify(d)).join('---\n'), 'rbac.yaml') });
const check = (id: string) => {
  const c = rbacRiskChecks.find((x) => x.id === `rbac/risk-${id}`);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};
const clusterRole = (name: string, rules: Doc[], labels: Record<string, string> = {}): Doc => ({ kind: 'ClusterRole', metadata: { name, labels }, rules });
const role = (namespace: string, name: string, rules: Doc[]): Doc => ({ kind: 'Role', metadata: { name, namespace }, rules });
const crb = (name: string, roleName: string, subjects: Doc[], labels: Record<string, string> = {}): Doc => ({ kind: 'ClusterRoleBinding', metadata: { name, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects });
const rb = (namespace: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Doc[]): Doc => ({ kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName }, subjects });
const sa = (namespace: string, name: string): Doc => ({ kind: 'ServiceAccount', namespace, name });
const user = (name: string): Doc => ({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' });
const group = (name: string): Doc => ({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });
const everything = clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
const secretsReader = clusterRole('secrets-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]);

testCheck(check('wildcard-admin'), {
  valid: [
    { name: 'no wildcard', cp: cp(secretsReader, crb('b', 'secrets-reader', [user('a')])) },
    { name: 'a wildcard on one group only is not R1', cp: cp(clusterRole('apps-admin', [{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }]), crb('b', 'apps-admin', [user('a')])) },
  ],
  invalid: [
    { name: 'cluster-wide: critical, with the rule line', cp: cp(everything, crb('b', 'everything', [sa('ci', 'deployer')])), findings: [{ severity: 'critical', file: 'rbac.yaml', line: 6, detail: 'ServiceAccount ci/deployer do anything cluster-wide' }] },
    { name: 'namespaced: high', cp: cp(everything, rb('team', 'b', 'ClusterRole', 'everything', [user('a')])), findings: [{ severity: 'high', detail: 'in namespace team' }] },
    { name: 'bootstrap default: info', cp: cp(everything, crb('cluster-admin', 'everything', [group('system:masters')], { 'kubernetes.io/bootstrapping': 'rbac-defaults' })), findings: [{ severity: 'info' }] },
  ],
});

testCheck(check('read-secrets'), {
  valid: [
    { name: 'R1 bindings are reported by R1 only', cp: cp(everything, crb('b', 'everything', [user('a')])) },
    { name: 'a subject-less binding grants nothing', cp: cp(secretsReader, crb('b', 'secrets-reader', [])) },
  ],
  invalid: [
    { name: 'cluster-wide list: critical', cp: cp(secretsReader, crb('b', 'secrets-reader', [user('a')])), findings: [{ severity: 'critical', detail: 'list secrets cluster-wide' }] },
    { name: 'in kube-system: critical', cp: cp(secretsReader, rb('kube-system', 'b', 'ClusterRole', 'secrets-reader', [user('a')])), findings: [{ severity: 'critical' }] },
    { name: 'in an app namespace: high', cp: cp(secretsReader, rb('app', 'b', 'ClusterRole', 'secrets-reader', [user('a')])), findings: [{ severity: 'high' }] },
    { name: 'named Secrets only: low', cp: cp(role('app', 'r', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'], verbs: ['get'] }]), rb('app', 'b', 'Role', 'r', [user('a')])), findings: [{ severity: 'low', detail: '(only tls)' }] },
    {
      name: 'the namespace of a cluster-admin SA is privileged',
      cp: cp(everything, secretsReader, crb('admin', 'everything', [sa('ops', 'root')]), rb('ops', 'b', 'ClusterRole', 'secrets-reader', [user('a')])),
      findings: [{ severity: 'critical', detail: 'in namespace ops' }],
    },
  ],
});

testCheck(check('bind'), {
  valid: [{ name: 'bind without create on bindings', cp: cp(clusterRole('r', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }]), crb('b', 'r', [user('a')])) }],
  invalid: [
    {
      name: 'bind on clusterroles + create clusterrolebindings',
      cp: cp(clusterRole('r', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings'], verbs: ['bind', 'create'] }]), crb('b', 'r', [user('a')])),
      findings: [{ severity: 'critical', detail: 'bind clusterroles and create clusterrolebindings' }],
    },
  ],
});

testCheck(check('csr-approval'), {
  valid: [{ name: 'approve without update on approval', cp: cp(clusterRole('r', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'signers'], verbs: ['create', 'approve'] }]), crb('b', 'r', [user('a')])) }],
  invalid: [
    {
      name: 'create + approval + approve on the client signer',
      cp: cp(clusterRole('r', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/approval'], verbs: ['create', 'update'] }, { apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kube-apiserver-client'], verbs: ['approve'] }]), crb('b', 'r', [user('a')])),
      findings: [{ severity: 'critical' }],
    },
  ],
});

testCheck(check('webhooks'), {
  valid: [{ name: 'read-only', cp: cp(clusterRole('r', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['*'], verbs: ['get', 'list'] }]), crb('b', 'r', [user('a')])) }],
  invalid: [
    { name: 'mutating: critical', cp: cp(clusterRole('r', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['patch'] }]), crb('b', 'r', [user('a')])), findings: [{ severity: 'critical' }] },
    { name: 'validating: high', cp: cp(clusterRole('r', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['create'] }]), crb('b', 'r', [user('a')])), findings: [{ severity: 'high' }] },
  ],
});

testCheck(check('namespace-modify'), {
  valid: [{ name: 'get only', cp: cp(clusterRole('r', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }]), rb('team', 'b', 'ClusterRole', 'r', [user('a')])) }],
  invalid: [{ name: 'a RoleBinding grants patch on its own Namespace', cp: cp(clusterRole('r', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] }]), rb('team', 'b', 'ClusterRole', 'r', [user('a')])), findings: [{ severity: 'medium', detail: 'in namespace team' }] }],
});

testCheck(check('nodes-proxy'), {
  valid: [{ name: 'a RoleBinding cannot grant nodes/proxy', cp: cp(clusterRole('r', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), rb('team', 'b', 'ClusterRole', 'r', [user('a')])) }],
  invalid: [{ name: 'get is enough', cp: cp(clusterRole('r', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]), crb('b', 'r', [user('a')])), findings: [{ severity: 'critical', detail: 'get nodes/proxy' }] }],
});

testCheck(check('kube-system-configmaps'), {
  valid: [{ name: 'configmaps in an app namespace', cp: cp(clusterRole('r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }]), rb('app', 'b', 'ClusterRole', 'r', [user('a')])) }],
  invalid: [{ name: 'in kube-system', cp: cp(clusterRole('r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }]), rb('kube-system', 'b', 'ClusterRole', 'r', [user('a')])), findings: [{ severity: 'medium' }] }],
});

testCheck(check('everyone-bindings'), {
  valid: [{ name: 'the baseline discovery bindings', cp: cp(clusterRole('system:discovery', []), crb('system:discovery', 'system:discovery', [group('system:authenticated')])) }],
  invalid: [
    { name: 'unauthenticated: critical', cp: cp(secretsReader, crb('b', 'secrets-reader', [group('system:unauthenticated')])), findings: [{ severity: 'critical', detail: 'Group system:unauthenticated' }] },
    { name: 'authenticated: high', cp: cp(secretsReader, crb('b', 'secrets-reader', [group('system:authenticated')])), findings: [{ severity: 'high' }] },
  ],
});

testCheck(check('dangling-roleref'), {
  valid: [{ name: 'role exists', cp: cp(secretsReader, crb('b', 'secrets-reader', [user('a')])) }],
  invalid: [{ name: 'missing ClusterRole', cp: cp(crb('b', 'gone', [user('a')])), findings: [{ severity: 'medium', detail: 'clusterrole.rbac.authorization.k8s.io "gone" not found' }] }],
});

testCheck(check('node-bindings'), {
  valid: [{ name: 'the bootstrap system:node binding without subjects', cp: cp(clusterRole('system:node', []), crb('system:node', 'system:node', [])) }],
  invalid: [{ name: 'system:node bound to system:nodes', cp: cp(clusterRole('system:node', []), crb('x', 'system:node', [group('system:nodes')])), findings: [{ severity: 'high' }] }],
});

testCheck(check('cloud-iam-sa'), {
  valid: [{ name: 'plain SA', cp: cp({ kind: 'ServiceAccount', metadata: { name: 's', namespace: 'n' } }) }],
  invalid: [{ name: 'IRSA', cp: cp({ kind: 'ServiceAccount', metadata: { name: 's', namespace: 'n', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } } }), findings: [{ severity: 'low', value: 'arn:aws:iam::1:role/x' }] }],
});

describe('every risk check', () => {
  it('has the rbac practice, an rbac/risk- id and runs without RBAC loaded', () => {
    for (const c of rbacRiskChecks) {
      expect(c.practice).toBe('rbac');
      expect(c.id).toMatch(/^rbac\/risk-[a-z0-9-]+$/);
    }
    expect(runChecks({ hosts: [], problems: [], partial: [] }, rbacRiskChecks)).toEqual([]);
  });
});
