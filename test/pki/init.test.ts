/**
 * `pki init` cross-checked with the real openssl (chains, EKUs, SANs, key types, modes) and run by
 * the real etcd with client-certificate authentication.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initPki } from '../../src/pki/init.js';
import { firstServiceIP, kubeadmLeaves } from '../../src/pki/kubeadm.js';
import { runCli } from '../helpers/cli.js';
import { freePort, ETCD_BIN, requireEtcd } from '../helpers/etcd.js';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function text(file: string): string {
  return openssl(['x509', '-in', file, '-text', '-noout']);
}

const layout = {
  clusterName: 'kubernetes',
  nodeName: 'cp-1',
  apiserverSans: ['127.0.0.1', 'api.example.test'],
  etcdMembers: [
    { name: 'cp-1', ip: '127.0.0.1' },
    { name: 'cp-2', ip: '10.0.0.2' },
  ],
  dnsDomain: 'cluster.local',
  serviceCidr: '10.96.0.0/12',
};

const CA_OF: Record<string, string> = {
  apiserver: 'ca',
  'apiserver-kubelet-client': 'ca',
  'front-proxy-client': 'front-proxy-ca',
  'etcd/server': 'etcd/ca',
  'etcd/peer': 'etcd/ca',
  'etcd/healthcheck-client': 'etcd/ca',
  'apiserver-etcd-client': 'etcd/ca',
  'etcd/members/cp-2/server': 'etcd/ca',
  'etcd/members/cp-2/peer': 'etcd/ca',
};

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kubeward-pki-init-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('firstServiceIP', () => {
  it('is the first address of the Service CIDR (v4 and v6)', () => {
    expect(firstServiceIP('10.96.0.0/12')).toBe('10.96.0.1');
    expect(firstServiceIP('10.100.7.0/24')).toBe('10.100.7.1');
    expect(firstServiceIP('fd00:10:96::/112')).toBe('fd00:10:96:0:0:0:0:1');
    expect(() => firstServiceIP('nope')).toThrow(/not an IP/);
  });
});

describe.each(['ecdsa-p256', 'rsa-2048'] as const)('pki init --key-type %s', (keyType) => {
  let out: string;
  beforeAll(async () => {
    out = join(work, keyType, 'pki');
    mkdirSync(join(work, keyType));
    await initPki({ ...layout, out, keyType, force: false });
  }, 120_000);

  it('writes the kubeadm layout: keys 0600, certificates and sa.pub 0644', () => {
    const names = ['ca', 'front-proxy-ca', 'etcd/ca', ...Object.keys(CA_OF)];
    for (const n of names) {
      expect(statSync(join(out, `${n}.crt`)).mode & 0o777, n).toBe(0o644);
      expect(statSync(join(out, `${n}.key`)).mode & 0o777, n).toBe(0o600);
    }
    expect(statSync(join(out, 'sa.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'sa.pub')).mode & 0o777).toBe(0o644);
    // sa.pub is the public half of sa.key
    expect(openssl(['pkey', '-in', join(out, 'sa.key'), '-pubout'])).toBe(readFileSync(join(out, 'sa.pub'), 'utf8'));
  });

  it('every leaf verifies against its own CA with openssl, and not against the other CAs', () => {
    for (const [leaf, ca] of Object.entries(CA_OF)) {
      expect(openssl(['verify', '-CAfile', join(out, `${ca}.crt`), join(out, `${leaf}.crt`)])).toContain(': OK');
      for (const other of ['ca', 'front-proxy-ca', 'etcd/ca'].filter((c) => c !== ca)) {
        expect(() => openssl(['verify', '-CAfile', join(out, `${other}.crt`), join(out, `${leaf}.crt`)]), `${leaf} vs ${other}`).toThrow();
      }
    }
  });

  it('has a separate etcd CA (different keys and subjects)', () => {
    const fp = (f: string): string => openssl(['x509', '-in', join(out, f), '-noout', '-pubkey']);
    expect(fp('etcd/ca.crt')).not.toBe(fp('ca.crt'));
    expect(openssl(['x509', '-in', join(out, 'etcd/ca.crt'), '-noout', '-subject']).trim()).toBe('subject=CN = etcd-ca');
    expect(openssl(['x509', '-in', join(out, 'ca.crt'), '-noout', '-subject']).trim()).toBe('subject=CN = kubernetes');
  });

  it('CAs: CA:TRUE critical, keyCertSign, 10 years', () => {
    for (const ca of ['ca', 'front-proxy-ca', 'etcd/ca']) {
      const t = text(join(out, `${ca}.crt`));
      expect(t).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
      expect(t).toMatch(/Certificate Sign/);
      const end = new Date(openssl(['x509', '-in', join(out, `${ca}.crt`), '-noout', '-enddate']).split('=')[1]!.trim());
      expect(Math.round((end.getTime() - Date.now()) / 86_400_000)).toBe(3650);
    }
  });

  it('leaves: subjects, EKUs, SANs and key type as kubeadm makes them, 1 year', () => {
    const api = text(join(out, 'apiserver.crt'));
    expect(api).toMatch(/Subject: CN = kube-apiserver\n/);
    expect(api).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(api).toMatch(/Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    for (const san of ['DNS:cp-1', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'IP Address:10.96.0.1', 'IP Address:127.0.0.1', 'DNS:api.example.test']) {
      expect(api).toContain(san);
    }
    const kubeletClient = text(join(out, 'apiserver-kubelet-client.crt'));
    expect(kubeletClient).toContain('Subject: O = kubeadm:cluster-admins, CN = kube-apiserver-kubelet-client');
    expect(kubeletClient).not.toContain('system:masters');
    expect(kubeletClient).toMatch(/Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    for (const f of ['etcd/server', 'etcd/peer']) {
      const t = text(join(out, `${f}.crt`));
      expect(t).toContain('Subject: CN = cp-1');
      expect(t).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
      expect(t).toMatch(/DNS:cp-1, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
    }
    expect(text(join(out, 'etcd/members/cp-2/server.crt'))).toMatch(/DNS:cp-2, DNS:localhost, IP Address:10.0.0.2, IP Address:127.0.0.1/);
    expect(text(join(out, 'etcd/healthcheck-client.crt'))).toContain('Subject: CN = kube-etcd-healthcheck-client');
    expect(text(join(out, 'apiserver-etcd-client.crt'))).toContain('Subject: CN = kube-apiserver-etcd-client');
    expect(text(join(out, 'front-proxy-client.crt'))).toContain('Subject: CN = front-proxy-client');
    for (const leaf of Object.keys(CA_OF)) {
      const t = text(join(out, `${leaf}.crt`));
      if (keyType === 'ecdsa-p256') {
        expect(t).toContain('Signature Algorithm: ecdsa-with-SHA256');
        expect(t).toContain('NIST CURVE: P-256');
        expect(t).not.toContain('Key Encipherment');
      } else {
        expect(t).toContain('Signature Algorithm: sha256WithRSAEncryption');
        expect(t).toContain('Public-Key: (2048 bit)');
        expect(t).toContain('Digital Signature, Key Encipherment');
      }
      const end = new Date(openssl(['x509', '-in', join(out, `${leaf}.crt`), '-noout', '-enddate']).split('=')[1]!.trim());
      expect(Math.round((end.getTime() - Date.now()) / 86_400_000)).toBe(365);
      // the key file belongs to the certificate
      expect(openssl(['pkey', '-in', join(out, `${leaf}.key`), '-pubout'])).toBe(openssl(['x509', '-in', join(out, `${leaf}.crt`), '-noout', '-pubkey']));
    }
    expect(readFileSync(join(out, 'apiserver.key'), 'utf8')).toMatch(keyType === 'ecdsa-p256' ? /^-----BEGIN EC PRIVATE KEY-----/ : /^-----BEGIN RSA PRIVATE KEY-----/);
  });
});

describe('kubeadmLeaves', () => {
  it('needs an etcd member', () => {
    expect(() => kubeadmLeaves({ ...layout, etcdMembers: [] })).toThrow(/etcd-member/);
  });
});

describe('pki init CLI', () => {
  it('refuses to overwrite an existing PKI without --force, moves it aside with --force', async () => {
    const out = join(work, 'cli', 'pki');
    const args = ['pki', 'init', '--out', out, '--etcd-member', 'cp-1=127.0.0.1', '--node-name', 'cp-1'];
    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('0600 etcd/ca.key');
    const before = readFileSync(join(out, 'ca.crt'), 'utf8');
    const again = await runCli(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
    expect(readFileSync(join(out, 'ca.crt'), 'utf8')).toBe(before);
    const forced = await runCli([...args, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(out, 'ca.crt'), 'utf8')).not.toBe(before);
    const backup = /are in (\S+)/.exec(forced.stderr)?.[1];
    expect(backup && readFileSync(join(backup, 'ca.crt'), 'utf8')).toBe(before);
  });

  it('bad --etcd-member is a usage error and writes nothing', async () => {
    const out = join(work, 'cli-bad', 'pki');
    const r = await runCli(['pki', 'init', '--out', out, '--etcd-member', 'cp-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NAME=IP/);
    expect(existsSync(out)).toBe(false);
  });
});

/** GET /health on etcd's client URL with an optional client certificate; resolves with the status or the TLS error. */
function etcdHealth(url: string, ca: string, client?: { cert: string; key: string }): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { ca: readFileSync(ca), ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}), timeout: 5000 }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', (e) => resolve(`error: ${e.message}`));
    req.end();
  });
}

describe('a kubeward-made PKI runs the real etcd with client-certificate auth', () => {
  let etcd: ChildProcess | undefined;
  let url: string;
  let pki: string;
  beforeAll(async () => {
    requireEtcd();
    pki = join(work, 'etcd-run', 'pki');
    mkdirSync(join(work, 'etcd-run'));
    await initPki({ ...layout, etcdMembers: [{ name: 'cp-1', ip: '127.0.0.1' }], out: pki, keyType: 'ecdsa-p256', force: false });
    const [client, peer] = [await freePort(), await freePort()];
    url = `https://127.0.0.1:${client}`;
    const peerUrl = `https://127.0.0.1:${peer}`;
    const data = join(work, 'etcd-run', 'data');
    // the flags kubeadm's etcd static pod uses (phases/etcd/local.go getEtcdCommand)
    etcd = spawn(ETCD_BIN, [
      '--name=cp-1', `--data-dir=${data}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=cp-1=${peerUrl}`,
      `--listen-metrics-urls=http://127.0.0.1:${await freePort()}`,
      `--cert-file=${pki}/etcd/server.crt`, `--key-file=${pki}/etcd/server.key`,
      '--client-cert-auth=true', `--trusted-ca-file=${pki}/etcd/ca.crt`,
      `--peer-cert-file=${pki}/etcd/peer.crt`, `--peer-key-file=${pki}/etcd/peer.key`,
      '--peer-client-cert-auth=true', `--peer-trusted-ca-file=${pki}/etcd/ca.crt`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    etcd.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    etcd.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    const started = Date.now();
    while (!/ready to serve client requests/.test(log)) {
      if (etcd.exitCode !== null) throw new Error(`etcd exited:\n${log.slice(-2000)}`);
      if (Date.now() - started > 30_000) throw new Error(`etcd not ready:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    writeFileSync(join(work, 'etcd-run', 'etcd.log'), log);
  }, 120_000);
  afterAll(async () => {
    if (etcd && etcd.exitCode === null) {
      const exited = new Promise((r) => etcd!.once('exit', r));
      etcd.kill('SIGTERM');
      await exited;
    }
  });

  it('accepts the etcd CA\'s client certificates over TLS verified with etcd/ca.crt', async () => {
    expect(await etcdHealth(url, `${pki}/etcd/ca.crt`, { cert: `${pki}/apiserver-etcd-client.crt`, key: `${pki}/apiserver-etcd-client.key` })).toBe('200');
    expect(await etcdHealth(url, `${pki}/etcd/ca.crt`, { cert: `${pki}/etcd/healthcheck-client.crt`, key: `${pki}/etcd/healthcheck-client.key` })).toBe('200');
  });

  it('rejects a client without a certificate and one signed by the Kubernetes CA', async () => {
    expect(await etcdHealth(url, `${pki}/etcd/ca.crt`)).toMatch(/^error/);
    expect(await etcdHealth(url, `${pki}/etcd/ca.crt`, { cert: `${pki}/apiserver-kubelet-client.crt`, key: `${pki}/apiserver-kubelet-client.key` })).toMatch(/^error/);
  });
});
