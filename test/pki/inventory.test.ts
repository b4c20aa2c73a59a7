/**
 * `pki inventory` over node roots whose PKI real openssl made in the test: expired, SHA-1, RSA-1024,
 * a mismatched key, a CA shared with etcd, a forged issuer, system:masters in a kubeconfig; and a
 * kubeward-made PKI, which must come out clean.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initPki } from '../../src/pki/init.js';
import { runInventory, type InventoryReport } from '../../src/pki/inventory-run.js';
import { runCli } from '../helpers/cli.js';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

const CA_CNF = '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\norganizationName=optional\n';

function b64(file: string): string {
  return readFileSync(file).toString('base64');
}

let work: string;
let root: string;
let report: InventoryReport;

function item(location: string) {
  const it = report.items.find((i) => i.location === location);
  if (!it) throw new Error(`no item ${location} in ${report.items.map((i) => i.location).join(', ')}`);
  return it;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kubeward-pki-inv-'));
  root = join(work, 'node');
  const pki = join(root, 'etc/kubernetes/pki');
  mkdirSync(join(pki, 'etcd'), { recursive: true });
  const ca = join(work, 'ca');
  mkdirSync(ca);
  writeFileSync(join(ca, 'ca.cnf'), CA_CNF);
  writeFileSync(join(ca, 'index.txt'), '');
  writeFileSync(join(ca, 'serial'), '01\n');
  const x509ext = join(ca, 'leaf.ext');
  writeFileSync(x509ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:kubernetes,IP:127.0.0.1\n');
  const clientExt = join(ca, 'client.ext');
  writeFileSync(clientExt, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  const mkCa = (dir: string): void =>
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=kubernetes', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  mkCa(ca);
  const leaf = (name: string, newkey: string, subj: string, opts: string[], ext = x509ext, caDir = ca): void => {
    openssl(['req', '-new', '-newkey', newkey, '-nodes', '-keyout', join(pki, `${name}.key`), '-out', join(caDir, `${name}.csr`), '-subj', subj], caDir);
    openssl(['x509', '-req', '-in', join(caDir, `${name}.csr`), '-CA', join(caDir, 'ca.crt'), '-CAkey', join(caDir, 'ca.key'), '-CAcreateserial', '-out', join(pki, `${name}.crt`), '-extfile', ext, ...opts], caDir);
  };
  copyFileSync(join(ca, 'ca.crt'), join(pki, 'ca.crt'));
  copyFileSync(join(ca, 'ca.key'), join(pki, 'ca.key'));
  // etcd trusting the cluster CA: a copy of it
  copyFileSync(join(ca, 'ca.crt'), join(pki, 'etcd/ca.crt'));
  leaf('apiserver', 'rsa:2048', '/CN=kube-apiserver', ['-days', '10', '-sha256']);
  leaf('weak', 'rsa:1024', '/CN=weak', ['-days', '400', '-sha1']);
  leaf('mismatch', 'rsa:2048', '/CN=mismatch', ['-days', '400']);
  leaf('admin', 'rsa:2048', '/O=system:masters/CN=kubernetes-admin', ['-days', '400'], clientExt);
  // the key next to mismatch.crt is another key
  copyFileSync(join(pki, 'weak.key'), join(pki, 'mismatch.key'));
  // expired: openssl ca can set dates in the past
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki, 'expired.key'), '-out', 'expired.csr', '-subj', '/CN=expired'], ca);
  openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', join(pki, 'expired.crt'), '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext'], ca);
  // forged: another CA with the same name signed it
  const other = join(work, 'other-ca');
  mkdirSync(other);
  mkCa(other);
  leaf('forged', 'rsa:2048', '/CN=forged', ['-days', '400'], x509ext, other);

  // a kube-apiserver static pod naming the serving pair, and an admin kubeconfig with embedded credentials
  mkdirSync(join(root, 'etc/kubernetes/manifests'), { recursive: true });
  writeFileSync(
    join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'),
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: kube-apiserver, namespace: kube-system}',
      'spec:',
      '  containers:',
      '  - name: kube-apiserver',
      '    image: registry.k8s.io/kube-apiserver:v1.29.3',
      '    command:',
      '    - kube-apiserver',
      '    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
      '    - --client-ca-file=/etc/kubernetes/pki/ca.crt',
      '    volumeMounts: [{name: k8s-certs, mountPath: /etc/kubernetes/pki, readOnly: true}]',
      '  volumes: [{name: k8s-certs, hostPath: {path: /etc/kubernetes/pki, type: DirectoryOrCreate}}]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'etc/kubernetes/admin.conf'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: kubernetes',
      `  cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ${b64(join(pki, 'ca.crt'))}}`,
      'users:',
      '- name: kubernetes-admin',
      `  user: {client-certificate-data: ${b64(join(pki, 'admin.crt'))}, client-key-data: ${b64(join(pki, 'weak.key'))}}`,
      'contexts: [{name: admin, context: {cluster: kubernetes, user: kubernetes-admin}}]',
      'current-context: admin',
      '',
    ].join('\n'),
  );
  rmSync(join(pki, 'admin.crt'));
  rmSync(join(pki, 'admin.key'));
  report = await runInventory({ nodeRoots: [root], snapshots: [] }, { warnDays: 30 });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pki inventory over an openssl-made node root', () => {
  it('lists every certificate in files and kubeconfigs, soonest expiry first', () => {
    expect(report.items[0]!.location).toBe('etc/kubernetes/pki/expired.crt');
    expect(report.items[1]!.location).toBe('etc/kubernetes/pki/apiserver.crt');
    const locations = report.items.map((i) => i.location);
    for (const l of ['etc/kubernetes/pki/ca.crt', 'etc/kubernetes/pki/etcd/ca.crt', 'etc/kubernetes/pki/weak.crt', 'etc/kubernetes/pki/mismatch.crt', 'etc/kubernetes/pki/forged.crt', 'etc/kubernetes/admin.conf users[kubernetes-admin]', 'etc/kubernetes/admin.conf clusters[kubernetes]']) {
      expect(locations).toContain(l);
    }
    const times = report.items.map((i) => Date.parse(i.cert.notAfter));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('gives subject, issuer, SANs, validity, key, signature algorithm, CA flag and fingerprint', () => {
    const api = item('etc/kubernetes/pki/apiserver.crt').cert;
    expect(api).toMatchObject({ subject: 'CN=kube-apiserver', issuer: 'CN=kubernetes', isCA: false, signatureAlgorithm: 'sha256WithRSAEncryption', sans: ['DNS:kubernetes', 'IP:127.0.0.1'], key: { type: 'rsa', bits: 2048 } });
    expect(api.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(item('etc/kubernetes/pki/ca.crt').cert.isCA).toBe(true);
  });

  it('says which component uses a certificate (through static-pod flags and kubeconfigs)', () => {
    expect(item('etc/kubernetes/pki/apiserver.crt').usedBy).toEqual(['kube-apiserver --tls-cert-file']);
    expect(item('etc/kubernetes/pki/ca.crt').usedBy).toEqual(['kube-apiserver --client-ca-file']);
  });

  it('verifies chains: signature against the CA found, roots, forged issuers', () => {
    expect(item('etc/kubernetes/pki/apiserver.crt')).toMatchObject({ chain: 'verified', issuer: 'etc/kubernetes/pki/ca.crt' });
    expect(item('etc/kubernetes/admin.conf users[kubernetes-admin]')).toMatchObject({ chain: 'verified', issuer: 'etc/kubernetes/pki/ca.crt' });
    expect(item('etc/kubernetes/pki/ca.crt').chain).toBe('root');
    expect(item('etc/kubernetes/pki/forged.crt').chain).toBe('bad-signature');
  });

  it('pairs keys with certificates by public-key fingerprint', () => {
    expect(item('etc/kubernetes/pki/apiserver.crt').key).toMatchObject({ location: 'etc/kubernetes/pki/apiserver.key', matches: true });
    expect(item('etc/kubernetes/pki/mismatch.crt').key).toMatchObject({ location: 'etc/kubernetes/pki/mismatch.key', matches: false });
    expect(item('etc/kubernetes/admin.conf users[kubernetes-admin]').key).toMatchObject({ matches: false });
  });

  it('reports expired, expiring, weak key, SHA-1, key mismatch, shared etcd CA, system:masters, bad signature', () => {
    const got = report.findings.map((f) => `${f.severity} ${f.id} ${f.evidence.file ?? ''}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'critical pki/expired etc/kubernetes/pki/expired.crt',
        'high pki/expiring etc/kubernetes/pki/apiserver.crt',
        'high pki/weak-key etc/kubernetes/pki/weak.crt',
        'high pki/sha1-signature etc/kubernetes/pki/weak.crt',
        'high pki/key-mismatch etc/kubernetes/pki/mismatch.crt',
        'high pki/key-mismatch etc/kubernetes/admin.conf',
        'high pki/shared-etcd-ca etc/kubernetes/pki/etcd/ca.crt',
        'high pki/system-masters-client etc/kubernetes/admin.conf',
        'medium pki/bad-signature etc/kubernetes/pki/forged.crt',
      ]),
    );
    expect(got).toHaveLength(9);
    const masters = report.findings.find((f) => f.id === 'pki/system-masters-client')!;
    expect(masters).toMatchObject({ practice: 'authn', evidence: { source: 'file', line: 7 } });
    expect(report.findings.find((f) => f.id === 'pki/shared-etcd-ca')!.practice).toBe('etcd');
    expect(report.findings.find((f) => f.id === 'pki/expiring')!.component).toBe('kube-apiserver');
  });

  it('CLI: table sorted by expiry, JSON, exit 1 on findings, 2 on bad input', async () => {
    const text = await runCli(['pki', 'inventory', '--node-root', root]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/certificates, sorted by expiry/);
    expect(text.stdout.indexOf('expired.crt')).toBeLessThan(text.stdout.indexOf('apiserver.crt'));
    expect(text.stdout).toContain('[critical] pki/expired');
    const json = await runCli(['pki', 'inventory', '--node-root', root, '--format', 'json', '--warn-days', '5']);
    const parsed = JSON.parse(json.stdout) as InventoryReport;
    expect(parsed.items.length).toBe(report.items.length);
    expect(parsed.findings.some((f) => f.id === 'pki/expiring')).toBe(false);
    const missing = await runCli(['pki', 'inventory', '--node-root', join(work, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope');
    const none = await runCli(['pki', 'inventory']);
    expect(none.code).toBe(2);
  });
});

describe('pki inventory --snapshot', () => {
  it('inventories the facts a snapshot keeps; chains are judged on names and key ids (no PEMs in a snapshot)', async () => {
    const snap = join(work, 'snap');
    const c = await runCli(['collect', '--node-root', root, '--out', snap]);
    expect(c.code, c.stderr).toBe(0);
    const r = await runInventory({ nodeRoots: [], snapshots: [snap] }, { warnDays: 30 });
    expect(r.items.map((i) => i.location).sort()).toEqual(report.items.map((i) => i.location).sort());
    expect(r.items.find((i) => i.location === 'etc/kubernetes/pki/apiserver.crt')).toMatchObject({ chain: 'issuer-known', issuer: 'etc/kubernetes/pki/ca.crt', usedBy: ['kube-apiserver --tls-cert-file'] });
    const ids = new Set(r.findings.map((f) => f.id));
    for (const id of ['pki/expired', 'pki/expiring', 'pki/weak-key', 'pki/sha1-signature', 'pki/key-mismatch', 'pki/shared-etcd-ca', 'pki/system-masters-client', 'pki/bad-signature']) expect(ids).toContain(id);
  });
});

describe('pki inventory over a kubeward-made PKI', () => {
  it('is clean: every leaf verified against its own CA, etcd CA separate, no findings', async () => {
    const node = join(work, 'made');
    await initPki({
      out: join(node, 'etc/kubernetes/pki'),
      keyType: 'ecdsa-p256',
      force: false,
      clusterName: 'kubernetes',
      nodeName: 'cp-1',
      apiserverSans: ['127.0.0.1'],
      etcdMembers: [{ name: 'cp-1', ip: '127.0.0.1' }],
      dnsDomain: 'cluster.local',
      serviceCidr: '10.96.0.0/12',
    });
    const r = await runInventory({ nodeRoots: [node], snapshots: [] }, { warnDays: 30 });
    expect(r.items).toHaveLength(10);
    expect(r.findings).toEqual([]);
    for (const it of r.items) {
      expect(it.chain, it.location).toBe(it.cert.isCA ? 'root' : 'verified');
      expect(it.key?.matches, it.location).toBe(true);
    }
    expect(r.items.find((i) => i.location.endsWith('etcd/server.crt'))!.issuer).toBe('etc/kubernetes/pki/etcd/ca.crt');
  });
});
