/** readNodeRoot over the kubeadm-cp fixture node root (test/fixtures/node-roots/kubeadm-cp). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Component } from '../../src/model/control-plane.js';
import { fileFor, flag, kubeletSetting } from '../../src/model/effective.js';
import { readNodeRoot, type NodeRootRead } from '../../src/sources/node-root.js';

const ROOT = join(import.meta.dirname, '../fixtures/node-roots/kubeadm-cp');
const lineOf = (file: string, text: string): number => readFileSync(join(ROOT, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

let read: NodeRootRead;
const component = (kind: Component['kind']): Component => read.host.components.find((c) => c.kind === kind)!;

beforeAll(async () => {
  read = await readNodeRoot(ROOT);
});

describe('readNodeRoot: kubeadm control-plane node', () => {
  it('names the host from etc/hostname and finds every component', () => {
    expect(read.host.name).toBe('cp-1');
    expect(read.host.components.map((c) => `${c.kind}:${c.origin}`).sort()).toEqual(['etcd:static-pod', 'kube-apiserver:static-pod', 'kube-scheduler:static-pod', 'kubelet:systemd']);
    expect(read.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('etc/calico/certs/ca.pem'),
      expect.stringContaining('etc/calico/certs/cert.pem'),
      expect.stringContaining('etc/calico/certs/key.pem'),
    ]);
  });

  it('version from the apiserver image tag', () => {
    expect(read.version).toMatchObject({ major: 1, minor: 29, patch: 3 });
    expect(component('etcd').version).toMatchObject({ major: 3, minor: 5 });
  });

  it('static pod flags carry the manifest line of their list item', () => {
    const api = component('kube-apiserver');
    const f = 'etc/kubernetes/manifests/kube-apiserver.yaml';
    expect(api.flags['tls-cert-file']).toMatchObject({ value: '/etc/kubernetes/pki/apiserver.crt', at: { kind: 'file', file: f, line: lineOf(f, '--tls-cert-file') } });
    expect(api.name).toBe('kube-apiserver-cp-1');
    expect(api.image).toBe('registry.k8s.io/kube-apiserver:v1.29.3');
  });

  it('container paths resolve to node paths through hostPath volumes', () => {
    const api = component('kube-apiserver');
    expect(api.mounts).toContainEqual({ containerPath: '/etc/kubernetes/audit', hostPath: '/srv/audit', readOnly: true });
    const policy = fileFor(read.host, api, flag({}, api, 'audit-policy-file'));
    expect(policy?.path).toBe('srv/audit/policy.yaml');
    expect(policy?.lines?.['rules.1.level']).toBe(lineOf('srv/audit/policy.yaml', 'level: Metadata'));
    expect((policy?.document as { rules: unknown[] }).rules).toHaveLength(3);
  });

  it('encryption config: providers in order, key facts without key bytes', () => {
    const api = component('kube-apiserver');
    const enc = fileFor(read.host, api, flag({}, api, 'encryption-provider-config'));
    expect(enc?.path).toBe('etc/kubernetes/encryption/encryption.yaml');
    const [secrets, configmaps] = enc!.encryptionConfig!.resources;
    expect(secrets!.resources).toEqual(['secrets']);
    expect(secrets!.providers.map((p) => p.type)).toEqual(['aescbc', 'identity']);
    expect(secrets!.providers[0]!.keys.map((k) => [k.name, k.length])).toEqual([
      ['key2', 32],
      ['key1', 32],
    ]);
    expect(secrets!.providers[0]!.keys[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(configmaps!.providers.map((p) => p.type)).toEqual(['identity']);
    expect(JSON.stringify(enc)).not.toContain('c2VjcmV0');
  });

  it('certificates and keys named by flags become facts; sa.pub matches sa.key', () => {
    const api = component('kube-apiserver');
    const crt = fileFor(read.host, api, flag({}, api, 'tls-cert-file'))!;
    expect(crt.certificates?.[0]).toMatchObject({ commonName: 'kube-apiserver', isCA: false });
    expect(crt.certificates?.[0]?.sans).toContain('IP:10.96.0.1');
    expect(crt.owner).toBeDefined();
    const pub = read.host.files['etc/kubernetes/pki/sa.pub']!;
    const key = read.host.files['etc/kubernetes/pki/sa.key']!;
    expect(pub.publicKey?.publicKeyFingerprint).toBe(key.privateKey?.publicKeyFingerprint);
  });

  it('the PKI directories are read whole, with entries', () => {
    const pki = read.host.files['etc/kubernetes/pki']!;
    expect(pki.type).toBe('directory');
    expect(pki.entries).toContain('etc/kubernetes/pki/front-proxy-ca.key');
    expect(read.host.files['etc/kubernetes/pki/front-proxy-ca.key']?.privateKey?.type).toBe('rsa');
    expect(read.host.files['etc/kubernetes/pki/etcd/ca.crt']?.certificates?.[0]?.isCA).toBe(true);
  });

  it('kubelet: flags from the kubeadm drop-in, kubeadm-flags.env and sysconfig, each with its own file and line', () => {
    const k = component('kubelet');
    const dropIn = 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
    expect(k.at).toEqual({ kind: 'unit', file: dropIn, line: lineOf(dropIn, 'ExecStart=/usr/bin/kubelet') });
    expect(k.flags.kubeconfig).toMatchObject({ value: '/etc/kubernetes/kubelet.conf', at: { kind: 'unit', file: dropIn, line: lineOf(dropIn, 'KUBELET_KUBECONFIG_ARGS=') } });
    expect(k.flags['container-runtime-endpoint']?.at).toEqual({ kind: 'env', file: 'var/lib/kubelet/kubeadm-flags.env', line: 1 });
    expect(k.flags['read-only-port']).toMatchObject({ value: '10255', at: { kind: 'env', file: 'etc/sysconfig/kubelet', line: 1 } });
  });

  it('kubelet config: fields with lines; flags win over it', () => {
    const k = component('kubelet');
    expect(k.config?.file).toBe('var/lib/kubelet/config.yaml');
    expect(k.config?.fields['authentication.anonymous.enabled']).toEqual({ value: false, at: { kind: 'file', file: 'var/lib/kubelet/config.yaml', line: lineOf('var/lib/kubelet/config.yaml', 'enabled: false') } });
    expect(kubeletSetting({}, k, { flag: 'read-only-port', field: 'readOnlyPort' })).toMatchObject({ value: '10255', explicit: true, flag: 'read-only-port' });
    expect(kubeletSetting({}, k, { flag: 'rotate-certificates', field: 'rotateCertificates' })).toMatchObject({ value: 'true', explicit: true });
  });

  it('kubeconfigs: embedded CA, client certificate through an absolute symlink inside the node root', () => {
    const kc = read.host.files['etc/kubernetes/kubelet.conf']!.kubeconfig!;
    expect(kc.clusters[0]).toMatchObject({ server: 'https://10.0.0.10:6443', insecureSkipTlsVerify: false, certificateAuthority: '(embedded)' });
    expect(kc.clusters[0]!.caCertificates[0]?.commonName).toBe('kubernetes');
    expect(kc.users[0]!.clientCertificate).toBe('/var/lib/kubelet/pki/kubelet-client-current.pem');
    expect(kc.users[0]!.clientCertificates[0]).toMatchObject({ commonName: 'system:node:cp-1', organizations: ['system:nodes'] });
    expect(read.host.files['var/lib/kubelet/pki/kubelet-client-current.pem']?.privateKey?.type).toBe('rsa');
    const sched = read.host.files['etc/kubernetes/scheduler.conf']!.kubeconfig!;
    expect(sched.users[0]).toMatchObject({ clientCertificate: '(embedded)', clientKey: '(embedded)', hasToken: false });
    expect(sched.users[0]!.clientCertificates[0]?.commonName).toBe('system:kube-scheduler');
  });

  it('a used bootstrap kubeconfig may be gone: recorded as missing, not a problem', () => {
    expect(read.host.files['etc/kubernetes/bootstrap-kubelet.conf']).toMatchObject({ exists: false });
  });

  it('CNI: calico in etcd mode with its endpoints and TLS files', () => {
    expect(read.host.cni).toHaveLength(1);
    expect(read.host.cni[0]!.plugins[0]).toMatchObject({
      type: 'calico',
      datastoreType: 'etcdv3',
      etcdEndpoints: ['https://10.0.0.10:2379', 'https://10.0.0.11:2379'],
      etcdCaCertFile: '/etc/calico/certs/ca.pem',
      line: lineOf('etc/cni/net.d/10-calico.conflist', '"type": "calico"') - 1,
    });
    expect(read.host.files['etc/calico/certs/ca.pem']).toMatchObject({ exists: false });
    expect(read.problems[0]).toMatchObject({ host: 'cp-1', file: 'etc/cni/net.d/10-calico.conflist', practice: 'tls', component: 'cni' });
  });

  it('the host\'s own addresses from advertise and listen settings (no wildcard, no loopback)', () => {
    expect(read.host.addresses).toEqual(['10.0.0.10']);
  });

  it('runsWorkloads is unknown on a control-plane host whose taint is not in its files', () => {
    expect(read.host.runsWorkloads).toBeUndefined();
  });

  it('host option and a missing root', async () => {
    expect((await readNodeRoot(ROOT, { host: 'other' })).host.name).toBe('other');
    await expect(readNodeRoot(join(ROOT, 'nope'))).rejects.toThrow(/nope/);
    await expect(readNodeRoot(join(ROOT, 'etc/hostname'))).rejects.toThrow(/not a directory/);
  });
});
