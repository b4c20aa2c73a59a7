/** Bad input never stops a read: each bad file becomes one InputProblem with host, file, line, component and practice. */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InputProblem } from '../../src/model/control-plane.js';
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
  return { dir: r.dir, result: await readNodeRoot(r.dir) };
}

const API = 'etc/kubernetes/manifests/kube-apiserver.yaml';
function apiserver(flags: string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.29.3\n    command:\n${yamlList(['kube-apiserver', ...flags])}\n`;
}
const flagLine = (flags: string[], flag: string): number => 11 + flags.findIndex((f) => f.startsWith(flag));

const problemFor = (problems: InputProblem[], text: string): InputProblem | undefined => problems.find((p) => p.message.includes(text));

describe('bad input', () => {
  it('malformed YAML manifest: file:line:col, the other manifests are still read', async () => {
    const { result } = await read({
      [API]: apiserver(['--secure-port=6443']),
      'etc/kubernetes/manifests/etcd.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: [etcd\n  bad\n',
    });
    expect(result.host.components.map((c) => c.kind)).toEqual(['kube-apiserver']);
    expect(result.problems).toHaveLength(1);
    const p = result.problems[0]!;
    expect(p).toMatchObject({ host: 'cp-1', file: 'etc/kubernetes/manifests/etcd.yaml', component: 'etcd', practice: 'etcd' });
    expect(p.line).toBeGreaterThan(1);
    expect(p.message).toMatch(new RegExp(`^etc/kubernetes/manifests/etcd\\.yaml:${p.line}:\\d+: `));
  });

  it('a binary file where text is expected', async () => {
    const { result } = await read({ [API]: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00]) });
    expect(result.problems).toEqual([expect.objectContaining({ file: API, host: 'cp-1', message: `${API} is a binary file, expected text` })]);
  });

  it('missing files named by flags: exists:false, problem at the flag with flag and path, practice by what the file is', async () => {
    const flags = [
      '--audit-policy-file=/etc/kubernetes/audit.yaml',
      '--encryption-provider-config=/etc/kubernetes/enc.yaml',
      '--authentication-config=/etc/kubernetes/authn.yaml',
      '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
    ];
    const { result } = await read({ [API]: apiserver(flags) });
    const expectations: [string, string, InputProblem['practice']][] = [
      ['--audit-policy-file', 'etc/kubernetes/audit.yaml', 'rbac'],
      ['--encryption-provider-config', 'etc/kubernetes/enc.yaml', 'encryption'],
      ['--authentication-config', 'etc/kubernetes/authn.yaml', 'authn'],
      ['--etcd-cafile', 'etc/kubernetes/pki/etcd/ca.crt', 'tls'],
    ];
    for (const [flag, path, practice] of expectations) {
      expect(result.host.files[path]).toMatchObject({ path, exists: false, error: 'no such file' });
      const p = problemFor(result.problems, path)!;
      expect(p).toMatchObject({ host: 'cp-1', file: API, line: flagLine(flags, flag), component: 'kube-apiserver-cp-1', practice });
      expect(p.message).toContain(flag);
    }
    expect(result.problems).toHaveLength(4);
  });

  it('malformed audit policy and encryption config: file:line:col, practice rbac / encryption', async () => {
    const flags = ['--audit-policy-file=/etc/kubernetes/audit.yaml', '--encryption-provider-config=/etc/kubernetes/enc.json'];
    const { result } = await read({
      [API]: apiserver(flags),
      'etc/kubernetes/audit.yaml': 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n   - level: None\n',
      'etc/kubernetes/enc.json': '{\n  "kind": "EncryptionConfiguration",\n  "resources": [\n    {"resources": ["secrets"],, }\n  ]\n}\n',
    });
    const audit = problemFor(result.problems, 'audit.yaml')!;
    expect(audit).toMatchObject({ file: 'etc/kubernetes/audit.yaml', practice: 'rbac', component: 'kube-apiserver-cp-1' });
    expect(audit.message).toMatch(/^etc\/kubernetes\/audit\.yaml:\d+:\d+: .*--audit-policy-file/);
    const enc = problemFor(result.problems, 'enc.json')!;
    expect(enc).toMatchObject({ file: 'etc/kubernetes/enc.json', practice: 'encryption', line: 4 });
    expect(result.host.files['etc/kubernetes/enc.json']?.encryptionConfig).toBeUndefined();
  });

  it('a truncated PEM: problem with its line, the whole certificates still read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-trunc-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=t'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'c'), 'utf8');
    const flags = ['--client-ca-file=/etc/kubernetes/pki/ca.crt'];
    const { result } = await read({ [API]: apiserver(flags), 'etc/kubernetes/pki/ca.crt': cert + cert.slice(0, 200) });
    const p = problemFor(result.problems, 'truncated PEM')!;
    expect(p).toMatchObject({ host: 'cp-1', file: 'etc/kubernetes/pki/ca.crt', line: cert.split('\n').length, practice: 'tls', component: 'kube-apiserver-cp-1' });
    expect(result.host.files['etc/kubernetes/pki/ca.crt']?.certificates).toHaveLength(1);
  });

  it('a kubeconfig naming a missing CA: reported at the kubeconfig entry; a directory where a file belongs', async () => {
    const KUBELET_UNIT = 'etc/systemd/system/kubelet.service';
    const { result } = await read({
      [KUBELET_UNIT]: '[Service]\nExecStart=/usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf --tls-cert-file=/var/lib/kubelet/pki\n',
      'etc/kubernetes/kubelet.conf': 'apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: https://10.0.0.1:6443\n    certificate-authority: pki/ca.crt\nusers: []\n',
      'var/lib/kubelet/pki/kubelet.crt': 'x\n',
    });
    const ca = problemFor(result.problems, 'etc/kubernetes/pki/ca.crt')!;
    expect(ca).toMatchObject({ host: 'cp-1', file: 'etc/kubernetes/kubelet.conf', line: 4, component: 'kubelet' });
    expect(ca.message).toContain('certificate-authority in etc/kubernetes/kubelet.conf');
    expect(result.host.files['etc/kubernetes/kubelet.conf']?.kubeconfig?.clusters[0]).toMatchObject({ certificateAuthority: 'pki/ca.crt', caCertificates: [] });
    const dir = problemFor(result.problems, 'is a directory')!;
    expect(dir).toMatchObject({ file: 'var/lib/kubelet/pki', component: 'kubelet' });
    expect(dir.message).toContain('--tls-cert-file');
  });

  it('embedded kubeconfig certificates that do not parse, or hold none: reported at the entry with the field', async () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const truncated = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
    const { result } = await read({
      'etc/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --kubeconfig=/etc/kubernetes/kubelet.conf\n',
      'etc/kubernetes/kubelet.conf': `apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: https://10.0.0.1:6443\n    certificate-authority-data: ${b64(truncated)}\nusers:\n- name: node\n  user:\n    client-certificate-data: ${b64('hello')}\n`,
    });
    const ca = problemFor(result.problems, 'certificate-authority-data of cluster "k"')!;
    expect(ca).toMatchObject({ host: 'cp-1', file: 'etc/kubernetes/kubelet.conf', line: 4 });
    expect(ca.message).toMatch(/^etc\/kubernetes\/kubelet\.conf:4: certificate-authority-data of cluster "k": CERTIFICATE at line 1 does not parse/);
    const user = problemFor(result.problems, 'client-certificate-data of user "node" holds no PEM certificate')!;
    expect(user).toMatchObject({ file: 'etc/kubernetes/kubelet.conf', line: 9 });
    expect(result.host.files['etc/kubernetes/kubelet.conf']?.kubeconfig?.clusters[0]).toMatchObject({ certificateAuthority: '(embedded)', caCertificates: [] });
  });

  it('documents of the wrong shape are read as far as they go, never thrown on', async () => {
    const flags = ['--encryption-provider-config=/e.yaml', '--authentication-token-webhook-config-file=/w.yaml', '--audit-policy-file=/a.yaml'];
    const { result } = await read({
      [API]: apiserver(flags),
      'etc/kubernetes/manifests/odd.yaml': 'kind: Pod\nspec:\n  containers: {a: 1}\n---\n- just\n- a list\n',
      'e.yaml': 'resources: 5\n',
      'w.yaml': '- a\n- b\n',
      'a.yaml': 'just a string\n',
    });
    expect(result.host.components.map((c) => c.kind)).toEqual(['kube-apiserver']);
    expect(result.host.files['e.yaml']?.encryptionConfig).toEqual({ resources: [] });
    expect(result.host.files['w.yaml']?.kubeconfig).toEqual({ clusters: [], users: [], contexts: [] });
    expect(result.host.files['a.yaml']?.document).toBe('just a string');
    expect(result.problems).toEqual([]);
  });

  it('unreadable permissions (EACCES): a problem, the rest is read', async () => {
    const flags = ['--tls-cert-file=/etc/kubernetes/pki/apiserver.crt', '--secure-port=6443'];
    const { dir } = await read({ [API]: apiserver(flags), 'etc/kubernetes/pki/apiserver.crt': { mode: 0o600, content: 'x\n' } });
    chmodSync(join(dir, 'etc/kubernetes/pki/apiserver.crt'), 0o000);
    const problems = await readAsUnprivileged(dir);
    expect(problems).toEqual([expect.objectContaining({ host: 'cp-1', file: 'etc/kubernetes/pki/apiserver.crt', practice: 'tls', component: 'kube-apiserver-cp-1' })]);
    expect(problems[0]!.message).toContain('permission denied');
  });
});

/**
 * Reads the node root as an unprivileged user: root reads any file whatever its mode, so when the
 * tests run as root the read happens in a child process that drops to nobody (setpriv).
 */
async function readAsUnprivileged(dir: string): Promise<InputProblem[]> {
  if (process.getuid?.() !== 0) return (await readNodeRoot(dir)).problems;
  chmodSync(dir, 0o755);
  const script = join(mkdtempSync(join(tmpdir(), 'kw-eacces-')), 'read.mts');
  writeFileSync(script, `import { readNodeRoot } from ${JSON.stringify(join(import.meta.dirname, '../../src/sources/node-root.ts'))};\nconsole.log(JSON.stringify((await readNodeRoot(${JSON.stringify(dir)})).problems));\n`);
  chmodSync(join(script, '..'), 0o755);
  chmodSync(script, 0o644);
  const tsx = join(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs');
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, tsx, script], { encoding: 'utf8', env: { ...process.env, HOME: '/tmp' } });
  return JSON.parse(out) as InputProblem[];
}
