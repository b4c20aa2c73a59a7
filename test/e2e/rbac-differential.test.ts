/**
 * Differential test of kubeward's RBAC evaluator against a real kube-apiserver v1.20.2: the bootstrap
 * policy plus every fixture project and the edge cases are applied to the cluster, all RBAC is read
 * back, and thousands of generated questions are asked of both the API server (SubjectAccessReview)
 * and kubeward. Every disagreement is printed; the test wants 100% agreement. The aggregation
 * controller (kube-controller-manager) runs too, and kubeward's aggregation of the read-back roles is
 * compared with the controller's result.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RbacObject } from '../../src/model/control-plane.js';
import { authorize, buildIndex } from '../../src/rbac/authorizer.js';
import { explainDecision } from '../../src/rbac/explain.js';
import { loadRbacFiles, loadRbacFromObjects } from '../../src/rbac/load.js';
import { describeRequest } from '../../src/rbac/request.js';
import { describeRule } from '../../src/rbac/rules.js';
import type { RbacPolicy, RequestAttributes, UserInfo } from '../../src/rbac/types.js';
import { generateQuestions, type Question } from '../rbac/requests.js';
import { startCluster, type Cluster } from './harness.js';
import { httpsRequest, type TlsIdentity } from './harness/net.js';

const FIXTURES = new URL('../fixtures/rbac/', import.meta.url).pathname;
const EDGE = new URL('../rbac/edge-cases.yaml', import.meta.url).pathname;
const PROJECTS = ['k8s-bootstrap', 'flux2', 'ingress-nginx', 'kube-prometheus', 'metrics-server'];
const QUESTIONS = 3000;

interface SarStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

function sarBody(q: Question): unknown {
  const a = q.attributes;
  const spec: Record<string, unknown> = { user: q.user.name, groups: q.user.groups };
  if (a.resourceRequest) spec.resourceAttributes = { namespace: a.namespace, verb: a.verb, group: a.apiGroup, resource: a.resource, subresource: a.subresource, name: a.name };
  else spec.nonResourceAttributes = { path: a.path, verb: a.verb };
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
}

async function askServer(cluster: Cluster, id: TlsIdentity, questions: Question[], concurrency = 16): Promise<SarStatus[]> {
  const out: SarStatus[] = new Array<SarStatus>(questions.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < questions.length) {
      const i = next++;
      const res = await httpsRequest(`${cluster.apiserverUrl}/apis/authorization.k8s.io/v1/subjectaccessreviews`, id, { method: 'POST', body: sarBody(questions[i] as Question), timeoutMs: 30_000 });
      if (res.status !== 201) throw new Error(`SubjectAccessReview answered ${res.status}: ${res.body}`);
      out[i] = (JSON.parse(res.body) as { status: SarStatus }).status;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

async function readBack(cluster: Cluster): Promise<RbacObject[]> {
  const text = await cluster.kubectlRun(['get', 'clusterroles,clusterrolebindings,roles,rolebindings,serviceaccounts', '--all-namespaces', '-o', 'json']);
  return (JSON.parse(text) as { items: RbacObject[] }).items;
}

describe('RBAC evaluator vs kube-apiserver v1.20.2 (SubjectAccessReview)', () => {
  let cluster: Cluster;
  let objects: RbacObject[];
  let policy: RbacPolicy;

  beforeAll(async () => {
    cluster = await startCluster({ controllerManager: true });
    // namespaces the fixtures use, then every project (argo-cd's base has no namespace: install it into argocd)
    const local = await loadRbacFiles([...PROJECTS.map((p) => join(FIXTURES, p)), EDGE]);
    const namespaces = new Set(['argocd', ...[...local.policy.roles, ...local.policy.roleBindings, ...local.policy.serviceAccounts].map((o) => o.namespace)]);
    for (const b of [...local.policy.roleBindings, ...local.policy.clusterRoleBindings]) for (const s of b.subjects) if (s.namespace) namespaces.add(s.namespace);
    const nsList = { apiVersion: 'v1', kind: 'List', items: [...namespaces].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) };
    await cluster.kubectlRun(['apply', '-f', '-'], { input: JSON.stringify(nsList) });
    for (const p of PROJECTS) await cluster.kubectlRun(['apply', '-f', join(FIXTURES, p)]);
    await cluster.kubectlRun(['apply', '-n', 'argocd', '-f', join(FIXTURES, 'argo-cd')]);
    await cluster.kubectlRun(['apply', '-f', EDGE]);
    // let the aggregation controller settle: two equal reads in a row, with admin filled
    let previous = '';
    for (let i = 0; i < 60; i++) {
      const now = await cluster.kubectlRun(['get', 'clusterroles', '-o', 'json']);
      const roles = (JSON.parse(now) as { items: { metadata: { name: string }; rules?: unknown[] }[] }).items;
      const filled = (roles.find((r) => r.metadata.name === 'admin')?.rules?.length ?? 0) > 0 && (roles.find((r) => r.metadata.name === 'edge:aggregate')?.rules?.length ?? 0) > 0;
      if (filled && now === previous) break;
      previous = now;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    objects = await readBack(cluster);
    policy = loadRbacFromObjects(objects);
  }, 900_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('computes aggregated ClusterRoles as the aggregation controller did', () => {
    // drop the rules of every aggregating role, aggregate again, compare with what the controller wrote
    const stripped = objects.map((o) => (o.kind === 'ClusterRole' && o.aggregationRule ? { ...o, rules: [] } : o));
    const ours = loadRbacFromObjects(stripped);
    const aggregating = policy.clusterRoles.filter((r) => r.aggregationRule);
    expect(aggregating.length).toBeGreaterThanOrEqual(4);
    const diffs: string[] = [];
    for (const server of aggregating) {
      const mine = ours.clusterRoles.find((r) => r.name === server.name);
      const a = server.rules.map(describeRule);
      const b = mine?.rules.map(describeRule) ?? [];
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`ClusterRole/${server.name}:\n  server:   ${a.join('\n            ')}\n  kubeward: ${b.join('\n            ')}`);
    }
    if (diffs.length) console.log(diffs.join('\n'));
    expect(diffs).toEqual([]);
  });

  it(`agrees with SubjectAccessReview on ${QUESTIONS} generated questions`, async () => {
    const questions = generateQuestions(policy, QUESTIONS);
    const sar = await cluster.createClientCertUser('kubeward-sar', ['system:masters']);
    const id: TlsIdentity = { caFile: join(cluster.pkiDir, 'ca.crt'), certFile: sar.certFile, keyFile: sar.keyFile };
    const t0 = performance.now();
    const server = await askServer(cluster, id, questions);
    const serverMs = performance.now() - t0;
    const index = buildIndex(policy);
    const t1 = performance.now();
    const ours = questions.map((q) => authorize(index, q.user, q.attributes));
    const oursMs = performance.now() - t1;
    const disagreements: string[] = [];
    questions.forEach((q, i) => {
      const s = server[i] as SarStatus;
      const d = ours[i];
      if (d?.allowed !== s.allowed) {
        const u: UserInfo = q.user;
        const a: RequestAttributes = q.attributes;
        disagreements.push(
          [`#${i}: ${describeRequest(a)} as ${u.name} ${JSON.stringify(u.groups)}: server ${s.allowed ? 'allowed' : 'denied'} (${s.reason ?? ''}${s.evaluationError ? `; ${s.evaluationError}` : ''}), kubeward ${d?.allowed ? 'allowed' : 'denied'}`, ...(d ? explainDecision(index, u, a, d).map((l) => `    ${l}`) : [])].join('\n'),
        );
      }
    });
    const yes = server.filter((s) => s.allowed).length;
    console.log(
      `RBAC differential: ${questions.length - disagreements.length}/${questions.length} agree (server allowed ${yes}, denied ${questions.length - yes}); ` +
        `${new Set(questions.map((q) => q.user.name)).size} users; SubjectAccessReview ${serverMs.toFixed(0)} ms total, kubeward ${oursMs.toFixed(1)} ms total`,
    );
    if (disagreements.length) console.log(disagreements.join('\n'));
    expect(yes).toBeGreaterThan(questions.length / 5);
    expect(questions.length - yes).toBeGreaterThan(questions.length / 5);
    expect(disagreements).toEqual([]);
  }, 900_000);
});
