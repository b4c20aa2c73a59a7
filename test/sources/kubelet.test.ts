/** The kubelet read as the kubelet reads itself: unit, env files, --config (relative too), --config-dir. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Component } from '../../src/model/control-plane.js';
import { fileFor, kubeletSetting } from '../../src/model/effective.js';
import { readNodeRoot } from '../../src/sources/node-root.js';
import { nodeRoot, type Entry } from './node-root-dir.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function read(files: Record<string, Entry>) {
  const r = await nodeRoot({ 'etc/hostname': 'node-1\n', ...files });
  cleanup = r.cleanup;
  const result = await readNodeRoot(r.dir);
  const kubelet = result.host.components.find((c) => c.kind === 'kubelet') as Component;
  return { result, kubelet };
}

const unit = (exec: string, extra = ''): Record<string, string> => ({ 'lib/systemd/system/kubelet.service': `[Service]\n${extra}ExecStart=${exec}\n` });

describe('kubelet --config', () => {
  it('a relative --config is relative to the working directory, "/" for systemd', async () => {
    const { kubelet, result } = await read({
      ...unit('/usr/bin/kubelet --config=var/lib/kubelet/config.yaml'),
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 0\n',
    });
    expect(result.problems).toEqual([]);
    expect(kubelet.config?.file).toBe('var/lib/kubelet/config.yaml');
    expect(kubelet.config?.fields.readOnlyPort).toEqual({ value: 0, at: { kind: 'file', file: 'var/lib/kubelet/config.yaml', line: 3 } });
  });

  it('WorkingDirectory= changes what a relative --config means', async () => {
    const { kubelet } = await read({
      ...unit('/usr/bin/kubelet --config config.yaml', 'WorkingDirectory=/var/lib/kubelet\n'),
      'var/lib/kubelet/config.yaml': 'readOnlyPort: 0\n',
    });
    expect(kubelet.config?.file).toBe('var/lib/kubelet/config.yaml');
  });

  it('relative paths inside the config are relative to the config file', async () => {
    const { kubelet, result } = await read({
      ...unit('/usr/bin/kubelet --config=/etc/kubelet/config.yaml'),
      'etc/kubelet/config.yaml': 'authentication:\n  x509:\n    clientCAFile: pki/ca.crt\n',
      'etc/kubelet/pki/ca.crt': 'not a cert\n',
    });
    const e = kubeletSetting({}, kubelet, { flag: 'client-ca-file', field: 'authentication.x509.clientCAFile' });
    expect(fileFor(result.host, kubelet, e)?.path).toBe('etc/kubelet/pki/ca.crt');
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringContaining('etc/kubelet/pki/ca.crt (named by authentication.x509.clientCAFile of kubelet): no PEM')]);
  });

  it('a missing config file: problem naming flag and path, the kubelet still exists, config stays unset (legacy defaults)', async () => {
    const { kubelet, result } = await read(unit('/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf'));
    expect(kubelet).toBeDefined();
    expect(kubelet.config).toBeUndefined();
    const p = result.problems.find((x) => x.message.includes('--config'))!;
    expect(p).toMatchObject({ host: 'node-1', component: 'kubelet', file: 'lib/systemd/system/kubelet.service', line: 2, practice: 'tls' });
    expect(p.message).toContain('var/lib/kubelet/config.yaml');
    expect(kubeletSetting({}, kubelet, { flag: 'anonymous-auth', field: 'authentication.anonymous.enabled' })).toMatchObject({ explicit: false, flag: 'anonymous-auth' });
  });

  it('--config-dir drop-ins: *.conf only, alphanumeric order, later wins per field, lists replaced', async () => {
    const { kubelet } = await read({
      ...unit('/usr/bin/kubelet --config=/etc/kubelet/config.yaml --config-dir=/etc/kubelet/config.d'),
      'etc/kubelet/config.yaml': 'readOnlyPort: 10255\nclusterDNS:\n- 10.0.0.1\n- 10.0.0.2\nauthentication:\n  anonymous:\n    enabled: true\n  webhook:\n    enabled: true\nfeatureGates:\n  A: true\n',
      'etc/kubelet/config.d/20-b.conf': 'readOnlyPort: 0\nclusterDNS:\n- 10.0.0.9\n',
      'etc/kubelet/config.d/10-a.conf': 'readOnlyPort: 1\nauthentication:\n  anonymous:\n    enabled: false\nfeatureGates:\n  B: false\n',
      'etc/kubelet/config.d/99-ignored.yaml': 'readOnlyPort: 7\n',
    });
    const c = kubelet.config!;
    expect(c.dropIns).toEqual(['etc/kubelet/config.d/10-a.conf', 'etc/kubelet/config.d/20-b.conf']);
    expect(c.fields.readOnlyPort).toEqual({ value: 0, at: { kind: 'file', file: 'etc/kubelet/config.d/20-b.conf', line: 1 } });
    expect(c.fields.clusterDNS?.value).toEqual(['10.0.0.9']);
    expect(c.fields['authentication.anonymous.enabled']?.value).toBe(false);
    expect(c.fields['authentication.webhook.enabled']?.value).toBe(true);
    expect(c.fields['featureGates.A']?.value).toBe(true);
    expect(c.fields['featureGates.B']?.value).toBe(false);
  });

  it('flags win over the config file, visible through kubeletSetting', async () => {
    const { kubelet } = await read({
      ...unit('/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --anonymous-auth=true'),
      'var/lib/kubelet/config.yaml': 'authentication:\n  anonymous:\n    enabled: false\nauthorization:\n  mode: Webhook\n',
    });
    expect(kubeletSetting({}, kubelet, { flag: 'anonymous-auth', field: 'authentication.anonymous.enabled' })).toMatchObject({
      value: 'true',
      explicit: true,
      at: { kind: 'unit', file: 'lib/systemd/system/kubelet.service', line: 2 },
    });
    expect(kubeletSetting({}, kubelet, { flag: 'authorization-mode', field: 'authorization.mode' })).toMatchObject({ value: 'Webhook', at: { file: 'var/lib/kubelet/config.yaml', line: 5 } });
  });

  it('malformed config: problem with file:line:col, config unset', async () => {
    const { kubelet, result } = await read({
      ...unit('/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml'),
      'var/lib/kubelet/config.yaml': 'authentication:\n  anonymous:\n    enabled: false\n   bad: [\n',
    });
    expect(kubelet.config).toBeUndefined();
    expect(result.problems[0]).toMatchObject({ file: 'var/lib/kubelet/config.yaml', component: 'kubelet' });
    expect(result.problems[0]!.message).toMatch(/^var\/lib\/kubelet\/config\.yaml:\d+:\d+: /);
  });
});

describe('kubelet static pod path and workloads', () => {
  const apiserverPod = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: a\n    image: registry.k8s.io/kube-apiserver:v1.30.1\n    command: [kube-apiserver, --secure-port=6443]\n`;

  it('manifests in staticPodPath are read too', async () => {
    const { result } = await read({
      ...unit('/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml'),
      'var/lib/kubelet/config.yaml': 'staticPodPath: /srv/pods\n',
      'srv/pods/api.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kube-apiserver' }, spec: { containers: [{ name: 'a', image: 'registry.k8s.io/kube-apiserver:v1.30.1', command: ['kube-apiserver', '--secure-port=6443'] }] } }, null, 2),
    });
    const api = result.host.components.find((c) => c.kind === 'kube-apiserver')!;
    expect(api.at.file).toBe('srv/pods/api.json');
    expect(api.flags['secure-port']?.at.line).toBeGreaterThan(1);
    expect(result.version).toMatchObject({ major: 1, minor: 30 });
  });

  it('a control-plane NoSchedule taint: no workloads; a plain node: workloads', async () => {
    const tainted = await read({ ...unit('/usr/bin/kubelet --register-with-taints=node-role.kubernetes.io/control-plane:NoSchedule'), 'etc/kubernetes/manifests/a.yaml': apiserverPod('kube-apiserver') });
    expect(tainted.result.host.runsWorkloads).toBe(false);
    await cleanup?.();
    const viaConfig = await read({
      ...unit('/usr/bin/kubelet --config=/c.yaml'),
      'c.yaml': 'registerWithTaints:\n- key: node-role.kubernetes.io/control-plane\n  effect: NoSchedule\n',
    });
    expect(viaConfig.result.host.runsWorkloads).toBe(false);
    await cleanup?.();
    const worker = await read(unit('/usr/bin/kubelet'));
    expect(worker.result.host.runsWorkloads).toBe(true);
  });
});
