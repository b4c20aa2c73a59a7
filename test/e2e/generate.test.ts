/**
 * `rbac generate` end to end on a real kube-apiserver v1.20.2: a workload runs as a service account
 * (broad access while recording), its audit log is read, least-privilege RBAC is generated and verified,
 * then applied to a FRESH cluster where the same workload runs again with the account's own token:
 * no 403, while actions it never took are refused by the real API server, and the evaluator finds no
 * rule (or verb/resource pair) the recorded requests did not need.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAuditBatches } from '../../src/audit/read.js';
import { buildIndex } from '../../src/rbac/authorizer.js';
import { collectUsage, generateRbac, renderGenerated, subjectMatcher, toObjects, verifyGenerated } from '../../src/rbac/generate.js';
import { loadRbacFromObjects } from '../../src/rbac/load.js';
import { rightsize } from '../../src/rbac/unused.js';
import { runCli } from '../helpers/cli.js';
import { startCluster, type Cluster } from './harness.js';
import { writeKubeconfig } from './harness/kubeconfig.js';

const SA = { namespace: 'app', name: 'runner' };
const SA_USER = `system:serviceaccount:${SA.namespace}:${SA.name}`;

const AUDIT_POLICY = ['apiVersion: audit.k8s.io/v1', 'kind: Policy', 'omitStages: ["RequestReceived"]', 'rules:', '  - level: Metadata', ''].join('\n');

/** Namespaces, the account and the objects its workload reads, created as the admin. */
async function setUp(c: Cluster): Promise<void> {
  for (const ns of ['app', 'other']) await c.kubectlRun(['create', 'namespace', ns]);
  await c.kubectlRun(['create', 'serviceaccount', SA.name, '-n', SA.namespace]);
  await c.kubectlRun(['create', 'configmap', 'app-config', '-n', 'app', '--from-literal=k=v']);
  await c.kubectlRun(['create', 'secret', 'generic', 'app-secret', '-n', 'app', '--from-literal=p=x']);
  await c.kubectlRun(['create', 'secret', 'generic', 'other-secret', '-n', 'app', '--from-literal=p=y']);
}

/** A kubeconfig with a TokenRequest token of the account (TokenRequest API directly: kubectl 1.20 has no `create token`). */
async function accountKubeconfig(c: Cluster, file: string): Promise<string> {
  const out = await c.kubectlRun(['create', '--raw', `/api/v1/namespaces/${SA.namespace}/serviceaccounts/${SA.name}/token`, '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } }),
  });
  const token = (JSON.parse(out) as { status: { token: string } }).status.token;
  return writeKubeconfig(join(c.dir, file), { server: c.apiserverUrl, caFile: join(c.pkiDir, 'ca.crt'), user: SA.name, token });
}

const WORKLOAD: string[][] = [
  ['get', 'configmap', 'app-config', '-n', 'app', '-o', 'name'],
  ['create', 'configmap', 'made-by-runner', '-n', 'app', '--from-literal=a=b'],
  ['patch', 'configmap', 'app-config', '-n', 'app', '--type=merge', '-p', '{"data":{"k":"v2"}}'],
  ['get', 'pods', '-n', 'app'],
  ['get', 'secret', 'app-secret', '-n', 'app', '-o', 'name'],
  ['get', 'deployments.apps', '-n', 'other'],
  ['get', 'namespaces'],
  ['get', '--raw', '/version'],
];

async function runWorkload(c: Cluster, kubeconfig: string): Promise<string[]> {
  const failures: string[] = [];
  for (const args of WORKLOAD) await c.kubectlRun(args, { kubeconfig }).catch((e: Error) => failures.push(e.message));
  return failures;
}

async function canI(c: Cluster, kubeconfig: string, args: string[]): Promise<string> {
  return c.kubectlRun(['auth', 'can-i', ...args], { kubeconfig }).then(
    (out) => out.trim(),
    // kubectl auth can-i answers "no" on stdout with exit 1 and nothing on stderr; any stderr is a real error
    (e: Error) => (/Command failed: [^\n]*\s*$/.test(e.message) ? 'no' : e.message),
  );
}

describe('rbac generate on a real cluster, applied to a fresh one', () => {
  const clusters: Cluster[] = [];
  let work = '';
  afterAll(async () => {
    for (const c of clusters) await c.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('no 403 on replay, nothing broader than used', { timeout: 600_000 }, async () => {
    // 1. record: the account may do anything while the workload runs
    const a = await startCluster({ auditPolicy: AUDIT_POLICY });
    clusters.push(a);
    await setUp(a);
    await a.kubectlRun(['create', 'clusterrolebinding', 'runner-recording', '--clusterrole=cluster-admin', `--serviceaccount=${SA.namespace}:${SA.name}`]);
    const recorder = await accountKubeconfig(a, 'runner-a.kubeconfig');
    expect(await runWorkload(a, recorder)).toEqual([]);

    // 2. generate from the real audit log and verify against the evaluator
    const usage = await collectUsage(readAuditBatches([a.auditLogFile]), subjectMatcher([SA_USER]));
    const set = generateRbac(usage);
    expect(set.subjects.map((s) => s.user.name)).toEqual([SA_USER]);
    const [v] = verifyGenerated(usage, set);
    expect(v?.failures).toEqual([]);
    expect(v?.checked).toBeGreaterThanOrEqual(WORKLOAD.length - 1);
    // the cluster's folder goes away with it
    work = await mkdtemp(join(tmpdir(), 'kubeward-generate-e2e-'));
    const yamlFile = join(work, 'generated.yaml');
    await writeFile(yamlFile, renderGenerated(set, 'yaml'));
    const auditLog = join(work, 'audit.log');
    await copyFile(a.auditLogFile, auditLog);
    await a.stop();
    clusters.pop();

    // nothing broader than used: every rule and every verb/resource pair it names was needed
    const generatedIndex = buildIndex(loadRbacFromObjects(toObjects(set)));
    const [fit] = rightsize(generatedIndex, usage);
    expect(fit?.user.name).toBe(SA_USER);
    expect(fit?.unusedRules).toBe(0);
    expect(fit?.grants.flatMap((g) => g.rules.flatMap((r) => r.unusedPairs))).toEqual([]);
    const rules = set.subjects[0]?.roles.flatMap((r) => r.rules.map((x) => x.rule)) ?? [];
    expect(rules.find((r) => r.resources.includes('secrets'))?.resourceNames).toEqual(['app-secret']);
    expect(rules.every((r) => !r.verbs.includes('*') && !r.resources.includes('*'))).toBe(true);

    // 3. a fresh cluster: the same objects, the generated RBAC, the account's own token
    const b = await startCluster({ auditPolicy: AUDIT_POLICY });
    clusters.push(b);
    await setUp(b);
    await b.kubectlRun(['apply', '-f', yamlFile]);
    const runner = await accountKubeconfig(b, 'runner-b.kubeconfig');
    expect(await runWorkload(b, runner)).toEqual([]);
    // what it never did is refused by the real authorizer
    for (const q of [
      ['delete', 'configmaps', '-n', 'app'],
      ['get', 'secrets/other-secret', '-n', 'app'],
      ['list', 'secrets', '-n', 'app'],
      ['create', 'pods', '-n', 'app'],
      ['list', 'configmaps', '-n', 'other'],
      ['delete', 'namespaces', '--all-namespaces'],
    ])
      expect(await canI(b, runner, q), q.join(' ')).toBe('no');

    // the CLI against the live cluster: nothing left to generate, and every live grant of the account is used
    const gen = await runCli(['rbac', 'generate', '--audit-log', auditLog, '--serviceaccount', `${SA.namespace}:${SA.name}`, '--kubeconfig', b.adminKubeconfig]);
    expect(gen.stderr).toMatch(/runner: 0 rules in 0 role\(s\)/);
    const unused = await runCli(['rbac', 'unused', '--audit-log', auditLog, '--kubeconfig', b.adminKubeconfig, '--serviceaccount', `${SA.namespace}:${SA.name}`, '--format', 'json']);
    expect(unused.code, unused.stderr).toBe(0);
    const [live] = JSON.parse(unused.stdout) as { subject: string; unusedRules: number; partlyUsedRules: number; totalRules: number }[];
    expect(live).toMatchObject({ subject: SA_USER, unusedRules: 0, partlyUsedRules: 0 });
    expect(live?.totalRules).toBe(rules.length);
  });
});
