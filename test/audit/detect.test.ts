/**
 * Detection over real audit logs. k8s-1.20-lab: a real kube-apiserver v1.20.2 log whose README lists
 * every suspicious action (the ground truth below cites its step numbers); everything else in it is
 * normal traffic and must raise nothing. Falco's k8s_audit trace files: one file per Falco rule.
 */
import { describe, expect, it } from 'vitest';
import { detectEvents, type Alert } from '../../src/audit/detect.js';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { detectionRules } from '../../src/audit/rules/index.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = new URL('../fixtures/audit/', import.meta.url).pathname;
const LAB = `${FIXTURES}k8s-1.20-lab/dev-audit.log`;

function row(a: Alert): [string, string, string, string, number | null] {
  return [a.rule.replace(/^audit\//, ''), a.severity, a.impersonatedUser ? `${a.user} as ${a.impersonatedUser}` : a.user, `${a.verb} ${a.object}`, a.code];
}

describe('audit detect: k8s-1.20-lab (real kube-apiserver v1.20.2)', () => {
  it('raises exactly the alerts of the suspicious steps, in log order', async () => {
    // lab-admin (group lab:cluster-admins) is the cluster's admin: its bulk Secret read during setup is expected.
    const { events, alerts } = await detectEvents(readAuditEvents([LAB]), { trustedGroups: ['lab:cluster-admins'] });
    expect(events).toBe(2387);
    expect(alerts.map(row)).toEqual([
      // not in the README's suspicious table: bob (no bindings) tries to list every Secret. The same request as step 1; reported as reconnaissance.
      ['secrets-read', 'medium', 'oidc:bob@example.test', 'list secrets', 403],
      // step 1
      ['secrets-read', 'medium', 'system:serviceaccount:ci:deployer', 'list secrets', 403],
      // step 2: the body of a denied request is never decoded, so the roleRef (cluster-admin) is not in the log
      ['rbac-change-denied', 'medium', 'system:serviceaccount:ci:deployer', 'create clusterrolebindings.rbac.authorization.k8s.io', 403],
      // step 3: websocket GET, then SPDY POST (two requests)
      ['pod-exec', 'medium', 'system:serviceaccount:ci:deployer', 'get shop-dev/pods/web-6fb89d4db9-dv2ws/exec', 403],
      ['pod-exec', 'medium', 'system:serviceaccount:ci:deployer', 'create shop-dev/pods/web-6fb89d4db9-dv2ws/exec', 403],
      // step 4 (privileged: rejected by the API server, 422), step 5 (host namespaces + hostPath /, created). Step 6 (403 in shop-staging) has no body in the log: not detectable
      ['privileged-pod', 'medium', 'system:serviceaccount:ci:deployer', 'create shop-dev/pods/node-debugger', 422],
      ['privileged-pod', 'critical', 'system:serviceaccount:ci:deployer', 'create shop-dev/pods/node-debugger', 201],
      // step 7: one alert for the 55 DELETEs, and the 403 burst they cause
      ['events-deleted', 'medium', 'system:serviceaccount:ci:deployer', 'delete shop-dev/events/api-655d479d55.18ec375ebfc7e225', 403],
      ['forbidden-burst', 'medium', 'system:serviceaccount:ci:deployer', 'delete shop-dev/events/api-b9ccf878.18ec37615e2cfaad', 403],
      // step 8: the binding, then a TokenRequest for the service account it made powerful
      ['cluster-admin-binding', 'critical', 'lab-admin', 'create clusterrolebindings.rbac.authorization.k8s.io/debug-cluster-admin', 201],
      ['token-request', 'high', 'lab-admin', 'create default/serviceaccounts/debug/token', 201],
      // step 9
      ['secrets-read', 'high', 'system:serviceaccount:default:debug', 'list secrets', 200],
      ['secrets-read', 'high', 'system:serviceaccount:default:debug', 'list kube-system/secrets', 200],
      ['secrets-read', 'high', 'system:serviceaccount:default:debug', 'get kube-system/secrets/clusterrole-aggregation-controller-token-dzrpx', 200],
      // step 10 (authorized; 400 because the pod has no node)
      ['pod-exec', 'high', 'lab-admin', 'create shop-dev/pods/node-debugger/exec', 400],
      ['pod-exec', 'high', 'lab-admin', 'create shop-dev/pods/web-6fb89d4db9-dv2ws/exec', 400],
      // step 11
      ['impersonation', 'medium', 'lab-admin as system:serviceaccount:ci:deployer', 'list shop-dev/pods', 200],
      ['impersonation', 'low', 'lab-admin as system:serviceaccount:ci:deployer', 'list shop-dev/secrets', 403],
      ['impersonation', 'low', 'lab-admin as oidc:bob@example.test', 'list shop-dev/pods', 403],
      // step 12
      ['events-deleted', 'high', 'lab-admin', 'delete shop-staging/events/api-655d479d55.18ec375fb5d057e3', 200],
      // step 13: failurePolicy Fail → Ignore
      ['admission-webhook-changed', 'high', 'lab-admin', 'patch validatingwebhookconfigurations.admissionregistration.k8s.io/policy-guard', 200],
      // step 14 (curl without credentials), step 15 (forged tokens: two kubectl clients)
      ['secrets-read', 'medium', '', 'list kube-system/secrets', 401],
      ['unauthenticated-burst', 'medium', '', 'list clusterrolebindings.rbac.authorization.k8s.io', 401],
      ['unauthenticated-burst', 'medium', '', 'get /api', 401],
      ['unauthenticated-burst', 'medium', '', 'get /api', 401],
    ]);
    for (const a of alerts) {
      expect(a.auditID).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.time).toMatch(/^2026-11-28T13:0/);
    }
  });

  it('without the trusted group, lab-admin listing every Secret is reported too', async () => {
    const { alerts } = await detectEvents(readAuditEvents([LAB]), { rules: ['secrets-read'] });
    expect(alerts.filter((a) => a.user === 'lab-admin').map(row)).toEqual([['secrets-read', 'high', 'lab-admin', 'list secrets', 200]]);
  });

  it('--since/--until keep only the window', async () => {
    const { alerts } = await detectEvents(readAuditEvents([LAB]), { trustedGroups: ['lab:cluster-admins'], since: '2026-11-28T13:07:46Z', until: '2026-11-28T13:07:47Z' });
    expect(alerts.map((a) => a.rule)).toEqual(['audit/admission-webhook-changed', 'audit/secrets-read', 'audit/unauthenticated-burst', 'audit/unauthenticated-burst', 'audit/unauthenticated-burst']);
  });

  it('a request logged at two stages is reported once', async () => {
    const { alerts } = await detectEvents(readAuditEvents([LAB]), { rules: ['pod-exec'] });
    expect(new Set(alerts.map((a) => a.auditID)).size).toBe(alerts.length);
    expect(alerts).toHaveLength(4);
  });
});

describe('audit detect: Falco k8s_audit trace files', () => {
  const cases: [string, string[]][] = [
    ['anonymous_creates_namespace_foo.json', ['audit/anonymous-allowed']],
    ['attach_cluster_admin_role.json', ['audit/cluster-admin-binding']],
    ['attach_pod.json', ['audit/pod-exec']],
    ['exec_pod.json', ['audit/pod-exec']],
    ['create_cluster_role_pod_exec.json', ['audit/rbac-escalate-bind']],
    ['create_cluster_role_wildcard_resources.json', ['audit/rbac-escalate-bind']],
    ['create_cluster_role_wildcard_verbs.json', ['audit/rbac-escalate-bind']],
    ['create_nginx_pod_hostnetwork.json', ['audit/privileged-pod']],
    ['create_nginx_pod_privileged.json', ['audit/privileged-pod']],
    ['create_nginx_pod_privileged_2nd_container.json', ['audit/privileged-pod']],
    ['create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json', ['audit/privileged-pod']],
    ['create_nginx_pod_sensitive_mount.json', ['audit/privileged-pod']],
    ['create_nginx_pod_sensitive_mount_2nd_container.json', ['audit/privileged-pod']],
    // negatives: the same objects without the dangerous part
    ['create_nginx_pod_nohostnetwork.json', []],
    ['create_nginx_pod_unprivileged.json', []],
    ['create_nginx_pod_unsensitive_mount.json', []],
    ['create_cluster_role_write_privileges.json', []],
    ['create_clusterrole.json', []],
    ['create_clusterrolebinding.json', []],
    ['create_serviceaccount.json', []],
    ['some-user_creates_namespace_foo.json', []],
  ];
  for (const [file, expected] of cases) {
    it(`${file} → ${expected.join(', ') || 'nothing'}`, async () => {
      const { alerts } = await detectEvents(readAuditEvents([`${FIXTURES}falco-k8s_audit/${file}`]));
      expect(alerts.map((a) => a.rule)).toEqual(expected);
    });
  }
});

describe('audit detect: rules without a public capture (events shaped as the API server logs them)', () => {
  const base = (over: Partial<AuditEvent>): AuditEvent => ({ kind: 'Event', stage: 'ResponseComplete', auditID: `id-${Math.random()}`, verb: 'get', user: { username: 'mallory', groups: ['system:authenticated'] }, sourceIPs: ['10.0.0.9'], requestReceivedTimestamp: '2026-11-28T10:00:00.000000Z', responseStatus: { code: 200 }, annotations: { 'authorization.k8s.io/decision': 'allow' }, ...over });
  const run = async (events: AuditEvent[]) => (await detectEvents(events)).alerts.map((a) => `${a.rule} ${a.severity}`);

  it('nodes/proxy, port-forward, CSR approval, RoleBinding update to cluster-admin, mutating webhook create', async () => {
    expect(
      await run([
        base({ objectRef: { resource: 'nodes', name: 'cp-1', subresource: 'proxy' } }),
        base({ verb: 'create', objectRef: { resource: 'pods', namespace: 'prod', name: 'db-0', subresource: 'portforward' } }),
        base({ verb: 'update', objectRef: { resource: 'certificatesigningrequests', apiGroup: 'certificates.k8s.io', name: 'csr-x', subresource: 'approval' } }),
        base({ verb: 'update', objectRef: { resource: 'rolebindings', apiGroup: 'rbac.authorization.k8s.io', namespace: 'prod', name: 'ops' }, requestObject: { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'mallory' }] } }),
        base({ verb: 'create', objectRef: { resource: 'mutatingwebhookconfigurations', apiGroup: 'admissionregistration.k8s.io', name: 'inject' } }),
        base({ verb: 'create', objectRef: { resource: 'validatingwebhookconfigurations', apiGroup: 'admissionregistration.k8s.io', name: 'guard' } }),
      ]),
    ).toEqual(['audit/nodes-proxy high', 'audit/pod-portforward medium', 'audit/csr-approval high', 'audit/cluster-admin-binding critical', 'audit/admission-webhook-changed high']);
  });

  it('the control plane doing its job raises nothing; kube-system tokens minted by a person do', async () => {
    const cm = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
    expect(
      await run([
        base({ user: cm, verb: 'list', objectRef: { resource: 'secrets' } }),
        base({ user: { username: 'system:node:cp-1', groups: ['system:nodes'] }, verb: 'create', objectRef: { resource: 'serviceaccounts', namespace: 'kube-system', name: 'coredns', subresource: 'token' } }),
        base({ user: { username: 'system:serviceaccount:kube-system:namespace-controller' }, verb: 'deletecollection', objectRef: { resource: 'events', namespace: 'gone' } }),
        base({ verb: 'create', objectRef: { resource: 'serviceaccounts', namespace: 'kube-system', name: 'clusterrole-aggregation-controller', subresource: 'token' }, responseStatus: { code: 201 } }),
      ]),
    ).toEqual(['audit/token-request high']);
  });

  it('burst rules keep bounded state and fire once per window', async () => {
    const denied = Array.from({ length: 45 }, (_, i) => base({ verb: 'list', objectRef: { resource: 'pods', namespace: `ns${i}` }, responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'forbid' }, requestReceivedTimestamp: `2026-11-28T10:00:0${Math.floor(i / 10)}.000000Z` }));
    expect(await run(denied)).toEqual(['audit/forbidden-burst medium']);
  });

  it('every rule has an id, a MITRE technique and a text for each field', () => {
    for (const r of detectionRules) {
      expect(r.id).toMatch(/^audit\/[a-z-]+$/);
      expect(r.mitre?.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(r.description.length).toBeGreaterThan(40);
      expect(r.remediation.length).toBeGreaterThan(20);
    }
    expect(new Set(detectionRules.map((r) => r.id)).size).toBe(detectionRules.length);
  });
});

describe('audit detect CLI', () => {
  it('json: findings with the event as evidence; exit 1 at --fail-on high', async () => {
    const out = await runCli(['audit', 'detect', LAB, '--format', 'json', '--trusted-group', 'lab:cluster-admins']);
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { findings: { id: string; evidence: { source: string; field: string; value: string; object: string }; detail: string }[] };
    expect(json.findings).toHaveLength(25);
    const binding = json.findings.find((f) => f.id === 'audit/cluster-admin-binding');
    expect(binding?.evidence).toMatchObject({ source: 'audit', field: 'auditID', object: 'clusterrolebindings.rbac.authorization.k8s.io/debug-cluster-admin' });
    expect(binding?.detail).toContain('T1098.006');
  });

  it('sarif from stdin; --fail-on critical with only medium alerts exits 0; unknown rule is a usage error', async () => {
    const { readFileSync } = await import('node:fs');
    const input = readFileSync(LAB, 'utf8').split('\n').filter((l) => l.includes('"code":401')).join('\n');
    const out = await runCli(['audit', 'detect', '-', '--format', 'sarif', '--rules', 'unauthenticated-burst', '--fail-on', 'critical'], { input });
    expect(out.code).toBe(0);
    const sarif = JSON.parse(out.stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toEqual(['audit/unauthenticated-burst', 'audit/unauthenticated-burst', 'audit/unauthenticated-burst']);
    const bad = await runCli(['audit', 'detect', LAB, '--rules', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown detection rule');
    const missing = await runCli(['audit', 'detect', '/nonexistent/audit.log']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/audit.log');
  });
});
