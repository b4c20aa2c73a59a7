/** Smoke test of the e2e harness: a real v1.20.2 control plane starts, answers, encrypts, refuses anonymous. */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { aescbcEncryptionConfig, startCluster, type Cluster } from './harness.js';
import { httpsRequest } from './harness/net.js';

describe('e2e harness', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ encryptionConfig: aescbcEncryptionConfig() });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves kubectl as the RBAC admin', async () => {
    expect(await cluster.kubectlRun(['auth', 'can-i', '*', '*', '--all-namespaces'])).toBe('yes\n');
    expect(await cluster.kubectlRun(['get', 'ns', '-o', 'name'])).toContain('namespace/kube-system');
  });

  it('stores a Secret encrypted with aescbc in etcd', async () => {
    await cluster.kubectlRun(['-n', 'default', 'create', 'secret', 'generic', 'smoke', '--from-literal=password=s3cr3t-value']);
    const raw = await cluster.etcdGet('/registry/secrets/default/smoke');
    expect(raw?.subarray(0, 18).toString()).toBe('k8s:enc:aescbc:v1:');
    expect(raw?.includes('s3cr3t-value')).toBe(false);
    expect(await cluster.etcdKeys('/registry/secrets/default/')).toContain('/registry/secrets/default/smoke');
  });

  it('answers an anonymous request with 401', async () => {
    const r = await httpsRequest(`${cluster.apiserverUrl}/api`, { caFile: join(cluster.pkiDir, 'ca.crt') });
    expect(r.status).toBe(401);
  });

  it('writes static-pod manifests with node paths and the running flags', async () => {
    const pod = parse(await readFile(join(cluster.nodeRoot, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8')) as {
      spec: { containers: { command: string[] }[] };
    };
    const command = pod.spec.containers[0]?.command ?? [];
    expect(command).toContain('--client-ca-file=/etc/kubernetes/pki/ca.crt');
    expect(command).toContain('--authorization-mode=Node,RBAC');
    expect(command.join(' ')).not.toContain(cluster.dir);
  });

  it('restarts kube-apiserver with new flags and creates identities', async () => {
    const user = await cluster.createClientCertUser('alice', ['devs']);
    await expect(cluster.kubectlRun(['get', 'ns'], { kubeconfig: user.kubeconfig })).rejects.toThrow(/forbidden/i);
    const tokenUser = await cluster.createTokenUser('bob', ['system:masters']);
    expect(cluster.apiserverFlags.some((f) => f.startsWith('--token-auth-file='))).toBe(true);
    expect(await cluster.kubectlRun(['auth', 'can-i', '*', '*'], { kubeconfig: tokenUser.kubeconfig })).toBe('yes\n');
    await cluster.restartApiserver({ add: ['--anonymous-auth=true'], remove: ['--token-auth-file'] });
    expect(cluster.apiserverFlags).toContain('--anonymous-auth=true');
    const r = await httpsRequest(`${cluster.apiserverUrl}/api`, { caFile: join(cluster.pkiDir, 'ca.crt') });
    expect(r.status).toBe(403);
  }, 300_000);
});

describe('e2e harness start failure', () => {
  it('throws with the log tail and leaves no process behind when kube-apiserver cannot start', async () => {
    const failure = await startCluster({ apiserverFlags: ['--no-such-flag=1'] }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toMatch(/kube-apiserver exited before it was ready[\s\S]*unknown flag: --no-such-flag/);
    const dir = /files kept in (\S+)\)/.exec(failure?.message ?? '')?.[1];
    expect(dir).toBeDefined();
    const stillRunning = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir!);
        } catch {
          return false;
        }
      });
    expect(stillRunning).toEqual([]);
    await rm(dir!, { recursive: true, force: true });
  });
});
