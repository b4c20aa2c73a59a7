/**
 * Live-node reading from a proc tree. The tree is written into the test's node root as files shaped
 * like what the kernel shows (/proc/<pid>/cmdline and environ, NUL-separated): a fake of the kernel's
 * view, since the test cannot run the real components.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flag } from '../../src/model/effective.js';
import { readNodeRoot } from '../../src/sources/node-root.js';
import { nodeRoot, type Entry } from './node-root-dir.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const nul = (...args: string[]): string => `${args.join('\0')}\0`;

async function read(files: Record<string, Entry>, live = true) {
  const r = await nodeRoot({ 'etc/hostname': 'cp-1\n', ...files });
  cleanup = r.cleanup;
  return readNodeRoot(r.dir, { live });
}

const MANIFEST = 'kind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: a\n    image: registry.k8s.io/kube-apiserver:v1.29.3\n    command:\n    - kube-apiserver\n    - --secure-port=6443\n    - --anonymous-auth=false\n    volumeMounts: [{name: pki, mountPath: /pki}]\n  volumes: [{name: pki, hostPath: {path: /etc/kubernetes/pki}}]\n';

describe('live: /proc/<pid>/cmdline', () => {
  it('running flags win; a flag running as the file says keeps the file line', async () => {
    const r = await read({
      'etc/kubernetes/manifests/kube-apiserver.yaml': MANIFEST,
      'proc/1234/cmdline': nul('kube-apiserver', '--secure-port=6443', '--anonymous-auth=true', '--profiling=false'),
      'proc/1/cmdline': nul('/sbin/init'),
      'proc/self/cmdline': nul('node'),
    });
    const api = r.host.components.filter((c) => c.kind === 'kube-apiserver');
    expect(api).toHaveLength(1);
    expect(api[0]!.origin).toBe('static-pod');
    expect(api[0]!.flags['secure-port']!.at).toMatchObject({ kind: 'file', file: 'etc/kubernetes/manifests/kube-apiserver.yaml', line: 9 });
    expect(api[0]!.flags['anonymous-auth']).toMatchObject({ value: 'true', at: { kind: 'proc', pid: 1234, file: 'proc/1234/cmdline' } });
    expect(api[0]!.flags.profiling!.at.kind).toBe('proc');
    expect(api[0]!.mounts).toHaveLength(1);
  });

  it('a process with no file behind it; etcd environ gives ETCD_*; flags over env', async () => {
    const r = await read({
      'proc/77/cmdline': nul('/usr/local/bin/etcd', '--name', 'e1', '--listen-client-urls', 'https://10.0.0.5:2379'),
      'proc/77/environ': nul('PATH=/usr/bin', 'ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379', 'ETCD_CLIENT_CERT_AUTH=true', 'HOME=/root'),
      'proc/88/cmdline': nul('/usr/bin/kubelet', '--config=/var/lib/kubelet/config.yaml'),
      'var/lib/kubelet/config.yaml': 'readOnlyPort: 0\n',
    });
    const etcd = r.host.components.find((c) => c.kind === 'etcd')!;
    expect(etcd).toMatchObject({ origin: 'process', at: { kind: 'proc', pid: 77 } });
    expect(Object.keys(etcd.env).sort()).toEqual(['ETCD_CLIENT_CERT_AUTH', 'ETCD_LISTEN_CLIENT_URLS']);
    expect(flag({}, etcd, 'listen-client-urls').value).toBe('https://10.0.0.5:2379');
    expect(flag({}, etcd, 'client-cert-auth')).toMatchObject({ value: 'true', at: { kind: 'proc', file: 'proc/77/environ' } });
    const kubelet = r.host.components.find((c) => c.kind === 'kubelet')!;
    expect(kubelet.origin).toBe('process');
    expect(kubelet.config?.fields.readOnlyPort?.value).toBe(0);
  });

  it('a kubelet process merged into its systemd unit', async () => {
    const r = await read({
      'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --rotate-certificates --read-only-port=0\n',
      'proc/900/cmdline': nul('/usr/bin/kubelet', '--rotate-certificates', '--read-only-port=10255'),
    });
    const kubelets = r.host.components.filter((c) => c.kind === 'kubelet');
    expect(kubelets).toHaveLength(1);
    expect(kubelets[0]!.origin).toBe('systemd');
    expect(kubelets[0]!.flags['rotate-certificates']!.at.kind).toBe('unit');
    expect(kubelets[0]!.flags['read-only-port']).toMatchObject({ value: '10255', at: { kind: 'proc', pid: 900 } });
  });

  it('not live: proc is not read', async () => {
    const r = await read({ 'proc/77/cmdline': nul('etcd') }, false);
    expect(r.host.components).toEqual([]);
  });
});
