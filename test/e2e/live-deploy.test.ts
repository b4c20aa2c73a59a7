/**
 * deploy/ against a real kube-apiserver v1.20.2: the manifests are accepted, the scanner's
 * least-privilege RBAC is enough for a complete scan except the documented opt-in parts, and
 * kubeward's own RBAC risk checks have nothing to say about what the scanner is granted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runChecks } from '../../src/checks/registry.js';
import type { RbacObject } from '../../src/model/control-plane.js';
import { rbacRiskChecks } from '../../src/rbac/risk-checks.js';
import { readLiveCluster } from '../../src/sources/live.js';
import { REPO } from '../helpers/cli.js';
import { startCluster, type Cluster } from './harness.js';
import { writeKubeconfig } from './harness/kubeconfig.js';
import { createMirrorPods } from './harness/mirror-pods.js';

const DEPLOY = join(REPO, 'deploy');
let cluster: Cluster;

function docs(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(join(DEPLOY, file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

async function applyFile(file: string, dryRun = false): Promise<string> {
  return cluster.kubectlRun(['apply', ...(dryRun ? ['--dry-run=server'] : []), '-f', join(DEPLOY, file)]);
}

/** A kubeconfig for the scanner's service account, with a token from the TokenRequest API. */
async function scannerKubeconfig(): Promise<string> {
  const out = await cluster.kubectlRun(['create', '--raw', '/api/v1/namespaces/kubeward/serviceaccounts/kubeward-scanner/token', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } }),
  });
  const token = (JSON.parse(out) as { status: { token: string } }).status.token;
  return writeKubeconfig(join(cluster.dir, 'scanner.kubeconfig'), { server: cluster.apiserverUrl, caFile: join(cluster.pkiDir, 'ca.crt'), user: 'kubeward-scanner', token });
}

beforeAll(async () => {
  cluster = await startCluster();
  await createMirrorPods(cluster);
  for (const f of ['namespace.yaml', 'rbac.yaml', 'scanner-kubeconfig.yaml']) await applyFile(f);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('deploy/', () => {
  it('is accepted by the API server (the node collector by a server-side dry run)', async () => {
    expect(await applyFile('node-collector.yaml', true)).toMatch(/daemonset.apps\/kubeward-node-collector created \(server dry run\)/);
    // batch/v1 CronJob arrived in 1.21; the harness is 1.20, so its pod template is checked as a Job
    const cron = docs('cronjob.yaml')[0] as { spec: { jobTemplate: { spec: Record<string, unknown> } } };
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'kubeward-scan-check', namespace: 'kubeward' }, spec: cron.spec.jobTemplate.spec };
    expect(await cluster.kubectlRun(['apply', '--dry-run=server', '-f', '-'], { input: JSON.stringify(job) })).toMatch(/job.batch\/kubeward-scan-check created \(server dry run\)/);
  });

  it("reads everything but the opt-in parts with the scanner's least-privilege RBAC", async () => {
    const cp = await readLiveCluster({ kubeconfig: await scannerKubeconfig() });
    expect(cp.partial).toEqual([
      expect.stringMatching(/^bootstrap-token Secrets in kube-system could not be read: forbidden/),
      expect.stringMatching(new RegExp(`^kubelet on ${cluster.nodeName}: configz could not be read \\(HTTP 403`)),
    ]);
    expect(cp.hosts.find((h) => h.name === cluster.nodeName)?.components.map((c) => c.kind).sort()).toEqual(['etcd', 'kube-apiserver']);
    expect(cp.rbac?.some((o) => o.metadata?.name === 'kubeward:scanner')).toBe(true);
    expect(cp.cluster?.kubeadmClusterConfiguration).toBeUndefined();
  });

  it('with the opt-in RBAC, reads bootstrap tokens and asks the kubelets too', async () => {
    await applyFile('optional/bootstrap-tokens-rbac.yaml');
    await applyFile('optional/kubelet-configz-rbac.yaml');
    const cp = await readLiveCluster({ kubeconfig: await scannerKubeconfig() });
    // the harness has no kubelet: the proxy is allowed now, and the node has no address to reach
    expect(cp.partial).toEqual([expect.stringMatching(new RegExp(`^kubelet on ${cluster.nodeName}: configz could not be read \\(HTTP 5`))]);
  });

  it("gives kubeward's own RBAC risk checks nothing to report about the scanner", () => {
    const objects = docs('rbac.yaml').filter((d) => d.kind !== 'ServiceAccount') as RbacObject[];
    const findings = runChecks({ hosts: [], problems: [], partial: [], rbac: objects }, rbacRiskChecks);
    expect(findings.map((f) => `${f.id}: ${f.detail ?? ''}`)).toEqual([]);
  });
});
