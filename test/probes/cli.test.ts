/** `kubeward probe` end to end: real etcd members, targets named on the command line or read from a node root. */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { runCli } from '../helpers/cli.js';
import { createCa, pkiDir, rmPki, type CertFiles } from '../helpers/openssl-pki.js';

const dir = pkiDir();
let secure: EtcdServer;
let shared: EtcdServer;
let clusterCa: CertFiles;

beforeAll(async () => {
  clusterCa = createCa(dir, 'cluster-ca', 'kubernetes');
  [secure, shared] = await Promise.all([startEtcd({ mode: 'secure', dir, name: 'secure' }), startEtcd({ mode: 'secure', dir, name: 'shared', ca: clusterCa })]);
});
afterAll(async () => {
  await Promise.all([secure, shared].filter(Boolean).map((s) => s.stop()));
  rmPki(dir);
});

interface ProbeJson {
  findings: { id: string; severity: string; evidence: { source: string; probe: { kind: string; target: string; outcome: string; at: string } | null } }[];
  probes: { probe: string; verdict: string }[];
  summary: { failed: boolean };
}

describe('kubeward probe', () => {
  it('--target: a secure etcd passes (exit 0), the table shows what was tried', async () => {
    const r = await runCli(['probe', '--target', `${secure.clientUrl}/etcd-client`, '--cluster-ca-cert', clusterCa.cert, '--cluster-ca-key', clusterCa.key, '--timeout', '2000']);
    expect(r.code).toBe(0);
    for (const kind of ['tls-handshake', 'tls-versions', 'etcd-no-client-cert', 'etcd-foreign-ca', 'etcd-cluster-ca']) expect(r.stdout).toContain(kind);
    expect(r.stdout).toContain('No findings.');
  });

  it('--node-root: endpoints from the etcd manifest, cluster CA found in the node PKI, CA separation disproved (exit 1)', async () => {
    const root = join(dir, 'node');
    mkdirSync(join(root, 'etc/kubernetes/manifests'), { recursive: true });
    mkdirSync(join(root, 'etc/kubernetes/pki'), { recursive: true });
    copyFileSync(clusterCa.cert, join(root, 'etc/kubernetes/pki/ca.crt'));
    copyFileSync(clusterCa.key, join(root, 'etc/kubernetes/pki/ca.key'));
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'etcd', namespace: 'kube-system', labels: { component: 'etcd' } },
      spec: { containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd:3.4.23-0', command: ['etcd', `--listen-client-urls=${shared.clientUrl}`, `--listen-peer-urls=${shared.peerUrl}`, '--client-cert-auth=true'] }] },
    };
    writeFileSync(join(root, 'etc/kubernetes/manifests/etcd.yaml'), JSON.stringify(manifest));
    const r = await runCli(['probe', '--node-root', root, '--format', 'json', '--timeout', '2000']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as ProbeJson;
    expect(json.findings.map((f) => f.id)).toEqual(['probe/etcd-trusts-cluster-ca']);
    const f = json.findings[0]!;
    expect(f.evidence.source).toBe('probe');
    expect(f.evidence.probe).toMatchObject({ kind: 'etcd-cluster-ca', target: shared.clientUrl });
    expect(Date.parse(f.evidence.probe!.at)).not.toBeNaN();
    expect(json.probes.find((p) => p.probe === 'etcd-peer-no-client-cert')?.verdict).toBe('secure');
    expect(json.summary.failed).toBe(true);
  });

  it('SARIF output and usage errors', async () => {
    const sarif = await runCli(['probe', '--target', `${shared.clientUrl}/etcd-client`, '--cluster-ca-cert', clusterCa.cert, '--cluster-ca-key', clusterCa.key, '--format', 'sarif']);
    expect(sarif.code).toBe(1);
    expect(JSON.parse(sarif.stdout)).toMatchObject({ version: '2.1.0' });
    const bad = await runCli(['probe', '--target', '10.0.0.1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"10.0.0.1"');
    const none = await runCli(['probe']);
    expect(none.code).toBe(2);
    const missing = await runCli(['probe', '--target', '127.0.0.1:1', '--cacert', '/nonexistent/ca.crt']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--cacert /nonexistent/ca.crt');
  });
});
