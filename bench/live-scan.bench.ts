/**
 * Live scan of a real kube-apiserver v1.20.2 (the e2e harness: etcd + apiserver on loopback) loaded
 * with 500 namespaces and 2,000 RBAC objects (a Role and a RoleBinding in each namespace, plus 500
 * ClusterRoles and 500 ClusterRoleBindings), with the control plane visible as mirror pods.
 * Measures the whole process, `node bin/kubeward.js scan --kubeconfig ... --format json` (the
 * built CLI: start-up, kubeconfig, every paginated list, checks, report), median of 5 runs.
 * Target ≤ 5 s; ratio = time / target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../test/e2e/harness.js';
import { createMirrorPods } from '../test/e2e/harness/mirror-pods.js';
import { httpsRequest } from '../test/e2e/harness/net.js';

const NAMESPACES = 500;
const TARGET_MS = 5000;
const RUNS = 5;
const REPO = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(REPO, 'bin/kubeward.js');

if (!existsSync(join(REPO, 'dist/src/cli/entry.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');

/** POSTs every object as the break-glass admin, `parallel` at a time. */
async function createAll(cluster: Cluster, objects: { path: string; body: unknown }[], parallel = 8): Promise<void> {
  const id = { caFile: join(cluster.pkiDir, 'ca.crt'), certFile: join(cluster.pkiDir, 'super-admin.crt'), keyFile: join(cluster.pkiDir, 'super-admin.key') };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const o = objects[next++]!;
      const r = await httpsRequest(`${cluster.apiserverUrl}${o.path}`, id, { method: 'POST', body: o.body, timeoutMs: 30_000 });
      if (r.status !== 201) throw new Error(`POST ${o.path}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const rule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] };

const cluster = await startCluster();
try {
  await createMirrorPods(cluster);
  const t0 = Date.now();
  const names = Array.from({ length: NAMESPACES }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  await createAll(cluster, names.map((name) => ({ path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } })));
  await createAll(
    cluster,
    names.flatMap((ns, i) => [
      { path: `${RBAC}/namespaces/${ns}/roles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: ns }, rules: [rule] } },
      {
        path: `${RBAC}/namespaces/${ns}/rolebindings`,
        body: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'reader', namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }, { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `user-${i}` }],
        },
      },
      { path: `${RBAC}/clusterroles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `bench-${i}` }, rules: [{ ...rule, resources: ['nodes'] }] } },
      {
        path: `${RBAC}/clusterrolebindings`,
        body: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: `bench-${i}` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `bench-${i}` },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `group-${i}` }],
        },
      },
    ]),
  );
  process.stderr.write(`loaded ${NAMESPACES} namespaces and ${NAMESPACES * 4} RBAC objects in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    // bash's `time` also gives the scan process's CPU time (user + sys), which a busy machine inflates far less than wall time
    const run = spawnSync('bash', ['-c', 'TIMEFORMAT="%R %U %S" ; time "$@" >"$OUT"', 'bash', process.execPath, CLI, 'scan', '--kubeconfig', cluster.adminKubeconfig, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, OUT: join(cluster.dir, 'scan.json') },
    });
    const [real = NaN, user = NaN, sys = NaN] = (run.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
    times.push(real * 1000);
    cpu.push((user + sys) * 1000);
    if (run.status !== 0 && run.status !== 1) throw new Error(`kubeward scan exited ${run.status}: ${run.stderr}`);
    const result = JSON.parse(readFileSync(join(cluster.dir, 'scan.json'), 'utf8')) as { summary: { partial: string[] } };
    if (result.summary.partial.some((p) => !p.startsWith('kubelet on'))) throw new Error(`partial scan: ${result.summary.partial.join('; ')}`);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const wall = median(times);
  console.log(
    `live scan (node bin/kubeward.js scan --kubeconfig) of kube-apiserver v1.20.2 with ${NAMESPACES} namespaces and ${NAMESPACES * 4} added RBAC objects, median of ${RUNS}: ${wall.toFixed(0)} ms wall (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}); CPU ${median(cpu).toFixed(0)} ms; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
  );
  console.log(`target ≤ ${TARGET_MS} ms  ratio ${(wall / TARGET_MS).toFixed(2)}  ${wall <= TARGET_MS ? 'MET' : 'NOT MET'}`);
} finally {
  await cluster.stop();
}
