/** Which files the sources read for which settings (src/sources/referenced-files.ts), on small node roots. */
import { afterEach, describe, expect, it } from 'vitest';
import { readNodeRoot } from '../../src/sources/node-root.js';
import { nodeRoot, yamlList, type Entry } from './node-root-dir.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function read(files: Record<string, Entry>) {
  const r = await nodeRoot({ 'etc/hostname': 'cp-1\n', ...files });
  cleanup = r.cleanup;
  return readNodeRoot(r.dir);
}

function pod(name: string, flags: string[]): string {
  return `kind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: registry.k8s.io/${name}:v1.30.0\n    command:\n${yamlList([name, ...flags])}\n`;
}

describe('files named by settings', () => {
  it('repeated --service-account-key-file, --tls-sni-cert-key pairs, token file counts, authorization config lines', async () => {
    const r = await read({
      'etc/kubernetes/manifests/kube-apiserver.yaml': pod('kube-apiserver', [
        '--service-account-key-file=/k/a.pub',
        '--service-account-key-file=/k/b.pub',
        '--tls-sni-cert-key=/k/sni.crt,/k/sni.key:*.example.com',
        '--token-auth-file=/k/tokens.csv',
        '--authorization-config=/k/authz.yaml',
      ]),
      'k/a.pub': 'x\n',
      'k/b.pub': 'y\n',
      'k/sni.crt': 'z\n',
      'k/sni.key': 'w\n',
      'k/tokens.csv': '# comment\nt1,u1,1\n\nt2,u2,2\n',
      'k/authz.yaml': 'apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n  - type: Node\n    name: node\n  - type: RBAC\n    name: rbac\n',
    });
    for (const f of ['k/a.pub', 'k/b.pub', 'k/sni.crt', 'k/sni.key']) expect(r.host.files[f]).toMatchObject({ exists: true, error: 'no PEM certificate or key' });
    expect(r.host.files['k/tokens.csv']).toMatchObject({ entryCount: 2 });
    expect(JSON.stringify(r.host.files['k/tokens.csv'])).not.toContain('t1');
    expect(r.host.files['k/authz.yaml']?.lines?.['authorizers.1.type']).toBe(6);
  });

  it('scheduler --config names its kubeconfig in clientConnection.kubeconfig; etcd data dir is listed, not read', async () => {
    const r = await read({
      'etc/kubernetes/manifests/kube-scheduler.yaml': pod('kube-scheduler', ['--config=/etc/kubernetes/sched.yaml']),
      'etc/kubernetes/sched.yaml': 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nclientConnection:\n  kubeconfig: /etc/kubernetes/scheduler.conf\n',
      'etc/kubernetes/scheduler.conf': 'apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: http://127.0.0.1:8080\n    insecure-skip-tls-verify: true\n',
      'etc/kubernetes/manifests/etcd.yaml': pod('etcd', ['--data-dir=/var/lib/etcd']),
      'var/lib/etcd/member/snap/db': 'data',
    });
    expect(r.host.files['etc/kubernetes/scheduler.conf']?.kubeconfig?.clusters[0]).toMatchObject({ server: 'http://127.0.0.1:8080', insecureSkipTlsVerify: true });
    expect(r.host.files['var/lib/etcd']).toMatchObject({ type: 'directory', entries: ['var/lib/etcd/member'] });
    expect(r.host.files['var/lib/etcd/member']).toBeUndefined();
    expect(r.problems).toEqual([]);
  });

  it('a multi-container pod names each control-plane container', async () => {
    const r = await read({
      'etc/kubernetes/manifests/cp.yaml': 'kind: Pod\nmetadata: {name: cp}\nspec:\n  containers:\n  - name: api\n    image: registry.k8s.io/kube-apiserver:v1.30.0\n    command: [kube-apiserver]\n  - name: proxy\n    image: nginx\n',
    });
    expect(r.host.components.map((c) => c.name)).toEqual(['cp-cp-1/api']);
  });
});
