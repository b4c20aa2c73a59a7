/** `pki renew` cross-checked with the real openssl: same subject, SANs, EKUs and key; backups; refusals. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initPki } from '../../src/pki/init.js';
import { renewPki } from '../../src/pki/renew.js';
import { runCli } from '../helpers/cli.js';
import { createCa, issueCert } from '../helpers/openssl-pki.js';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function field(file: string, flag: string): string {
  return openssl(['x509', '-in', file, '-noout', flag]).trim();
}
/** the extension block of `openssl x509 -text`, without the key identifiers */
function extensions(file: string): string {
  const t = openssl(['x509', '-in', file, '-noout', '-text']);
  const block = t.slice(t.indexOf('X509v3 extensions:'), t.indexOf('Signature Algorithm:', t.indexOf('X509v3 extensions:')));
  return block.replace(/X509v3 (Subject|Authority) Key Identifier:\s*\n\s*\S+\n/g, '');
}

let work: string;
let base: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kubeward-pki-renew-'));
  base = join(work, 'base');
  await initPki({
    out: base,
    keyType: 'ecdsa-p256',
    force: false,
    clusterName: 'kubernetes',
    nodeName: 'cp-1',
    apiserverSans: ['127.0.0.1', 'api.example.test'],
    etcdMembers: [{ name: 'cp-1', ip: '127.0.0.1' }],
    dnsDomain: 'cluster.local',
    serviceCidr: '10.96.0.0/12',
  });
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyOf(name: string): string {
  const dir = join(work, name, 'pki');
  mkdirSync(join(work, name));
  cpSync(base, dir, { recursive: true });
  return dir;
}

describe('pki renew', () => {
  it('reissues chosen leaves from their CA, keeping subject, SANs, EKUs and key; backs up the old files', async () => {
    const dir = copyOf('keep');
    const old = { serial: field(join(dir, 'apiserver.crt'), '-serial'), pub: field(join(dir, 'apiserver.crt'), '-pubkey'), ext: extensions(join(dir, 'apiserver.crt')), subject: field(join(dir, 'apiserver.crt'), '-subject') };
    const oldEtcd = readFileSync(join(dir, 'etcd/server.crt'), 'utf8');
    const untouched = readFileSync(join(dir, 'front-proxy-client.crt'), 'utf8');
    const r = await runCli(['pki', 'renew', '--pki-dir', dir, '--only', 'apiserver,etcd/server', '--days', '30']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('renewed apiserver (CA ca)');
    expect(r.stdout).toContain('renewed etcd/server (CA etcd/ca)');
    const crt = join(dir, 'apiserver.crt');
    expect(openssl(['verify', '-CAfile', join(dir, 'ca.crt'), crt])).toContain('OK');
    expect(openssl(['verify', '-CAfile', join(dir, 'etcd/ca.crt'), join(dir, 'etcd/server.crt')])).toContain('OK');
    expect(field(crt, '-serial')).not.toBe(old.serial);
    expect(field(crt, '-subject')).toBe(old.subject);
    expect(field(crt, '-pubkey')).toBe(old.pub);
    expect(extensions(crt)).toBe(old.ext);
    const end = new Date(field(crt, '-enddate').split('=')[1]!);
    expect(Math.round((end.getTime() - Date.now()) / 86_400_000)).toBe(30);
    expect(statSync(crt).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dir, 'front-proxy-client.crt'), 'utf8')).toBe(untouched);

    const backup = /backed up to (\S+)/.exec(r.stdout)?.[1];
    expect(backup).toBeTruthy();
    expect(statSync(backup!).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(backup!, 'etcd/server.crt'), 'utf8')).toBe(oldEtcd);
    expect(statSync(join(backup!, 'apiserver.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(backup!, 'apiserver.crt')).mode & 0o777).toBe(0o644);
  });

  it('--new-key issues for a fresh key of the same kind, written 0600', async () => {
    const dir = copyOf('newkey');
    const oldPub = field(join(dir, 'apiserver-kubelet-client.crt'), '-pubkey');
    const r = await renewPki({ pkiDir: dir, only: ['apiserver-kubelet-client'], newKey: true });
    expect(r.renewed).toEqual([expect.objectContaining({ name: 'apiserver-kubelet-client', newKey: true })]);
    const crt = join(dir, 'apiserver-kubelet-client.crt');
    const key = join(dir, 'apiserver-kubelet-client.key');
    expect(field(crt, '-pubkey')).not.toBe(oldPub);
    expect(openssl(['pkey', '-in', key, '-pubout']).trim()).toBe(field(crt, '-pubkey'));
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(field(crt, '-subject')).toBe('subject=O = kubeadm:cluster-admins, CN = kube-apiserver-kubelet-client');
    expect(openssl(['x509', '-in', crt, '-noout', '-text'])).toContain('NIST CURVE: P-256');
  });

  it('renews every leaf by default, each from the CA that signed it', async () => {
    const dir = copyOf('all');
    const r = await renewPki({ pkiDir: dir, only: [], newKey: false });
    expect(r.renewed.map((c) => `${c.name}<${c.ca}`).sort()).toEqual(
      ['apiserver<ca', 'apiserver-etcd-client<etcd/ca', 'apiserver-kubelet-client<ca', 'etcd/healthcheck-client<etcd/ca', 'etcd/peer<etcd/ca', 'etcd/server<etcd/ca', 'front-proxy-client<front-proxy-ca'].sort(),
    );
  });

  it('refuses when the CA key is missing, and changes nothing', async () => {
    const dir = copyOf('nocakey');
    rmSync(join(dir, 'etcd/ca.key'));
    const before = readFileSync(join(dir, 'apiserver.crt'), 'utf8');
    const r = await runCli(['pki', 'renew', '--pki-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/key of its CA etcd\/ca .* is missing; refusing/);
    expect(readFileSync(join(dir, 'apiserver.crt'), 'utf8')).toBe(before);
    expect(readdirSync(join(work, 'nocakey'))).toEqual(['pki']);
  });

  it('refuses a key that does not match its certificate (unless --new-key)', async () => {
    const dir = copyOf('mismatch');
    cpSync(join(dir, 'front-proxy-client.key'), join(dir, 'apiserver.key'));
    await expect(renewPki({ pkiDir: dir, only: ['apiserver'], newKey: false })).rejects.toThrow(/does not match/);
    await expect(renewPki({ pkiDir: dir, only: ['apiserver'], newKey: true })).resolves.toBeTruthy();
  });

  it('renews an openssl-made PKI (SEC1 keys, other names)', async () => {
    const dir = join(work, 'openssl-made');
    mkdirSync(dir);
    const ca = createCa(dir, 'ca', 'lab-ca');
    issueCert(ca, dir, 'server', { cn: 'lab-server', sans: ['DNS:localhost', 'IP:127.0.0.1'], usage: 'server', organizations: ['lab'] });
    const oldExt = extensions(join(dir, 'server.crt'));
    const r = await renewPki({ pkiDir: dir, only: ['server'], newKey: false, days: 10 });
    expect(r.renewed[0]?.ca).toBe('ca');
    expect(openssl(['verify', '-CAfile', ca.cert, join(dir, 'server.crt')])).toContain('OK');
    expect(extensions(join(dir, 'server.crt'))).toBe(oldExt);
    expect(field(join(dir, 'server.crt'), '-subject')).toBe('subject=O = lab, CN = lab-server');
  });

  it('renews client certificates embedded in kubeconfigs (admin.conf), keeping the rest of the file and its mode', async () => {
    const dir = copyOf('kubeconfig');
    const kc = join(work, 'kubeconfig', 'admin.conf');
    issueCert({ cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') }, join(work, 'kubeconfig'), 'admin', { cn: 'kubernetes-admin', organizations: ['kubeadm:cluster-admins'], usage: 'client' });
    const b64 = (f: string): string => readFileSync(join(work, 'kubeconfig', f)).toString('base64');
    writeFileSync(kc, `apiVersion: v1\nkind: Config\n# kept\nclusters:\n- name: k\n  cluster: {server: "https://10.0.0.1:6443"}\nusers:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: ${b64('admin.crt')}\n    client-key-data: ${b64('admin.key')}\n`, { mode: 0o600 });
    const oldSerial = field(join(work, 'kubeconfig', 'admin.crt'), '-serial');
    const r = await runCli(['pki', 'renew', '--pki-dir', dir, '--only', 'apiserver', '--kubeconfig', kc]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`renewed ${kc} users[kubernetes-admin] (CA ca)`);
    const text = readFileSync(kc, 'utf8');
    expect(text).toContain('# kept');
    expect(text).toContain('server: "https://10.0.0.1:6443"');
    const data = /client-certificate-data: (\S+)/.exec(text)![1]!;
    const renewed = join(work, 'kubeconfig', 'renewed.crt');
    writeFileSync(renewed, Buffer.from(data, 'base64'));
    expect(openssl(['verify', '-CAfile', join(dir, 'ca.crt'), renewed])).toContain('OK');
    expect(field(renewed, '-serial')).not.toBe(oldSerial);
    expect(field(renewed, '-subject')).toBe('subject=O = kubeadm:cluster-admins, CN = kubernetes-admin');
    expect(text).toContain(`client-key-data: ${b64('admin.key')}`);
    expect(statSync(kc).mode & 0o777).toBe(0o600);
    const backup = /backed up to (\S+)/.exec(r.stdout)![1]!;
    expect(statSync(join(backup, 'kubeconfigs', 'admin.conf')).mode & 0o777).toBe(0o600);
  });
});
