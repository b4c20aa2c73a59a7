/**
 * The bundled example node roots, scanned through the library as a user would scan them: the insecure
 * one shows findings of several practices, the hardened one nothing at high or above. Also the scan
 * pipeline's merging of several inputs, the version override and --rbac files.
 */
import { execFileSync } from 'node:child_process';
import { readFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atOrAbove } from '../src/model/finding.js';
import { loadControlPlane, scanControlPlane } from '../src/scan.js';
import { REPO } from './helpers/cli.js';

const INSECURE = join(REPO, 'examples/kubeadm-insecure');
const HARDENED = join(REPO, 'examples/hardened');
let tmp: string;

beforeAll(async () => {
  // git does not keep file modes: give the examples the modes their .modes manifests record
  execFileSync('bash', [join(REPO, 'examples/apply-modes.sh')]);
  tmp = await mkdtemp(join(tmpdir(), 'kubeward-examples-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function scan(nodeRoots: string[], extra: { kubernetesVersion?: string; rbac?: string[] } = {}) {
  const cp = await loadControlPlane({ nodeRoots, snapshots: [], ...extra });
  return { cp, result: scanControlPlane(cp, { failOn: 'high' }) };
}

describe('examples/kubeadm-insecure', () => {
  it('reads the whole node without problems', async () => {
    const { cp } = await scan([INSECURE]);
    expect(cp.problems).toEqual([]);
    expect(cp.hosts.map((h) => h.name)).toEqual(['cp-1']);
    expect(cp.hosts[0]!.components.map((c) => c.kind).sort()).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet']);
    expect(cp.version?.raw).toContain('v1.29.3');
  });

  it('has findings at high or above in every practice', async () => {
    const { result } = await scan([INSECURE]);
    expect(result.summary.failed).toBe(true);
    const practices = new Set(result.findings.filter((f) => atOrAbove(f.severity, 'high')).map((f) => f.practice));
    expect([...practices].sort()).toEqual(['authn', 'encryption', 'etcd', 'rbac', 'tls']);
    for (const f of result.findings) {
      expect(f.why.length).toBeGreaterThan(0);
      expect(f.remediation.length).toBeGreaterThan(0);
      expect(f.evidence.file ?? f.evidence.object ?? f.evidence.probe, f.id).toBeTruthy();
    }
  });

  it('computes the communication graph', async () => {
    const { result } = await scan([INSECURE]);
    expect(result.graph.links.length).toBeGreaterThan(0);
    expect(result.graph.links.some((l) => l.kind === 'apiserver-etcd')).toBe(true);
  });

  it('has real PKI: etcd trusts the cluster CA (the same certificate), a key is mode 0644', async () => {
    const pki = join(INSECURE, 'etc/kubernetes/pki');
    expect(await readFile(join(pki, 'etcd/ca.crt'), 'utf8')).toBe(await readFile(join(pki, 'ca.crt'), 'utf8'));
    expect((await stat(join(pki, 'apiserver.key'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(pki, 'ca.key'))).mode & 0o777).toBe(0o600);
  });
});

describe('examples/hardened', () => {
  it('reads the whole node without problems', async () => {
    const { cp } = await scan([HARDENED]);
    expect(cp.problems).toEqual([]);
    expect(cp.hosts.map((h) => h.name)).toEqual(['cp-secure-1']);
  });

  it('has no finding at high or above', async () => {
    const { result } = await scan([HARDENED]);
    const high = result.findings.filter((f) => atOrAbove(f.severity, 'high'));
    expect(high.map((f) => `${f.id} ${f.component}: ${f.detail ?? ''}`)).toEqual([]);
    expect(result.summary.failed).toBe(false);
  });

  it('has a separate etcd CA and CIS modes', async () => {
    const pki = join(HARDENED, 'etc/kubernetes/pki');
    expect(await readFile(join(pki, 'etcd/ca.crt'), 'utf8')).not.toBe(await readFile(join(pki, 'ca.crt'), 'utf8'));
    expect((await stat(join(pki, 'apiserver.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(HARDENED, 'var/lib/etcd'))).mode & 0o777).toBe(0o700);
  });
});

describe('scan pipeline over several inputs', () => {
  it('merges node roots into one model, one host each; the target names them as given', async () => {
    const { result } = await scan(['examples/kubeadm-insecure', 'examples/hardened'].map((p) => join(REPO, p)));
    expect(result.summary.hosts).toEqual(['cp-1', 'cp-secure-1']);
    expect(result.target).toBe(`${INSECURE}, ${HARDENED}`);
    expect(new Set(result.findings.map((f) => f.host))).toContain('cp-1');
  });

  it('keeps hosts apart when two inputs carry the same hostname', async () => {
    const { cp } = await scan([HARDENED, HARDENED]);
    expect(cp.hosts.map((h) => h.name)).toEqual(['cp-secure-1', 'cp-secure-1-2']);
    expect(cp.hosts[1]!.components.every((c) => c.host === 'cp-secure-1-2')).toBe(true);
    expect(cp.partial.join('\n')).toContain('cp-secure-1-2');
  });

  it('--kubernetes-version overrides the detected version for Kubernetes components, not etcd', async () => {
    const { cp, result } = await scan([HARDENED], { kubernetesVersion: 'v1.31.4' });
    expect(result.kubernetesVersion).toBe('1.31.4');
    const kinds = cp.hosts[0]!.components;
    expect(kinds.find((c) => c.kind === 'kube-apiserver')!.version?.minor).toBe(31);
    expect(kinds.find((c) => c.kind === 'etcd')!.version?.major ?? 3).toBe(3);
  });

  it('reads --rbac files (Lists too) and tells malformed ones', async () => {
    const good = join(tmp, 'rbac.yaml');
    await writeFile(
      good,
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRoleBinding',
        'metadata: {name: ops}',
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}',
        'subjects: [{kind: Group, name: ops}]',
        '---',
        'apiVersion: v1',
        'kind: List',
        'items:',
        '- {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r, namespace: a}, rules: []}',
        '- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}',
      ].join('\n'),
    );
    const bad = join(tmp, 'bad.yaml');
    await writeFile(bad, 'kind: Role\nmetadata: {name: [\n');
    const { cp } = await scan([HARDENED], { rbac: [good, bad] });
    expect(cp.rbac?.map((o) => o.kind)).toEqual(['ClusterRoleBinding', 'Role']);
    expect(cp.problems.some((p) => p.file === bad)).toBe(true);
  });
});
