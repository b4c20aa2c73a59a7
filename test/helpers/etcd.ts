/**
 * A real etcd (Debian `etcd-server`, /usr/bin/etcd) for tests: one member on free loopback ports (or
 * inside a network namespace through `wrap`), secure or not, with a PKI made by real openssl.
 * Shared helper: etcd, probe and encryption tests reuse it. Stop it in afterAll.
 *
 * Modes:
 *  - "secure": https client and peer URLs, --client-cert-auth against the etcd's own CA (or `trustedCa`)
 *  - "tls-open": https without --client-cert-auth (any client that completes TLS gets in)
 *  - "plaintext": http client and peer URLs
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createCa, issueCert, type CertFiles } from './openssl-pki.js';

export const ETCD_BIN = '/usr/bin/etcd';

export type EtcdMode = 'secure' | 'tls-open' | 'plaintext';

export interface EtcdOptions {
  mode: EtcdMode;
  /** a directory the test owns (certificates and the data dir go below it) */
  dir: string;
  name?: string;
  /** CA that signs the server certificate and, unless `trustedCa` is given, the client certificates etcd accepts */
  ca?: CertFiles;
  /** the CA etcd trusts for client certificates (secure mode); e.g. the cluster CA to model a shared CA */
  trustedCa?: CertFiles;
  /** listen address; default 127.0.0.1 */
  host?: string;
  /** default: free loopback ports */
  ports?: { client: number; peer: number; metrics: number };
  /** command prefix, e.g. ["ip", "netns", "exec", "ns1"] */
  wrap?: string[];
}

export interface EtcdServer {
  name: string;
  host: string;
  ports: { client: number; peer: number; metrics: number };
  clientUrl: string;
  peerUrl: string;
  metricsUrl: string;
  /** issuer of the server certificate (absent in plaintext mode) */
  ca?: CertFiles;
  /** a client certificate this etcd accepts (secure mode) */
  client?: CertFiles;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

export function requireEtcd(): void {
  if (!existsSync(ETCD_BIN)) {
    throw new Error(`${ETCD_BIN} not found: install the Debian package etcd-server (apt-get install -y etcd-server); CI installs it`);
  }
}

/** A port that was free on `host` a moment ago (the kernel picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEtcd(o: EtcdOptions): Promise<EtcdServer> {
  requireEtcd();
  const name = o.name ?? `etcd-${o.mode}`;
  const host = o.host ?? '127.0.0.1';
  const ports = o.ports ?? { client: await freePort(host), peer: await freePort(host), metrics: await freePort(host) };
  const dir = join(o.dir, name);
  mkdirSync(dir, { recursive: true });
  const tls = o.mode !== 'plaintext';
  const scheme = tls ? 'https' : 'http';
  const h = hostForUrl(host);
  const clientUrl = `${scheme}://${h}:${ports.client}`;
  const peerUrl = `${scheme}://${h}:${ports.peer}`;
  const metricsUrl = `http://${h}:${ports.metrics}`;
  const args = [
    '--name', name,
    '--data-dir', join(dir, 'data'),
    '--listen-client-urls', clientUrl,
    '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `${name}=${peerUrl}`,
    '--initial-cluster-state', 'new',
    '--listen-metrics-urls', metricsUrl,
  ];
  const server: Partial<EtcdServer> = {};
  if (tls) {
    const ca = o.ca ?? createCa(dir, 'etcd-ca', `${name}-ca`);
    const sans = [`IP:${host}`, 'DNS:localhost'];
    const serving = issueCert(ca, dir, 'server', { cn: name, sans, usage: 'both' });
    args.push('--cert-file', serving.cert, '--key-file', serving.key, '--peer-cert-file', serving.cert, '--peer-key-file', serving.key);
    server.ca = ca;
    if (o.mode === 'secure') {
      const trusted = o.trustedCa ?? ca;
      // etcd requires peer certificates as soon as --peer-trusted-ca-file is set (pkg/transport TLSInfo), so only here
      args.push('--client-cert-auth', '--trusted-ca-file', trusted.cert, '--peer-client-cert-auth', '--peer-trusted-ca-file', ca.cert);
      server.client = issueCert(trusted, dir, 'client', { cn: 'kube-apiserver-etcd-client', usage: 'client' });
    }
  }
  const argv = [...(o.wrap ?? []), ETCD_BIN, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitReady(child, () => log, name);
  return {
    ...server,
    name,
    host,
    ports,
    clientUrl,
    peerUrl,
    metricsUrl,
    pid: child.pid ?? -1,
    log: () => log,
    stop: () => stop(child, dir),
  };
}

function waitReady(child: ChildProcess, log: () => string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`etcd ${name} not ready after 30 s:\n${log().slice(-2000)}`));
    }, 30_000);
    const poll = setInterval(() => {
      if (/ready to serve client requests/.test(log())) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`etcd ${name} exited with ${code ?? 'signal'}:\n${log().slice(-2000)}`));
    });
  });
}

function stop(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      rmSync(join(dir, 'data'), { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}
