/**
 * A kubeward-made PKI (`pki init`, ECDSA P-256) runs the real etcd with client-certificate auth and
 * the real kube-apiserver v1.20.2 with kubeadm's file names. The shared harness makes its own PKI,
 * so this suite starts the two processes itself with the harness's process and network helpers.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { k8sBinaries } from './harness.js';
import { freePorts, httpsRequest } from './harness/net.js';
import { startProc, stopProc, waitReady, type Proc } from './harness/procs.js';

let dir: string;
let pki: string;
let apiserverUrl: string;
const procs: Proc[] = [];
const p = (f: string): string => join(pki, f);

beforeAll(async () => {
  const bins = await k8sBinaries();
  dir = await mkdtemp(join(tmpdir(), 'kubeward-e2e-pki-'));
  pki = join(dir, 'pki');
  const made = await runCli(['pki', 'init', '--out', pki, '--apiserver-san', '127.0.0.1', '--etcd-member', 'cp-1=127.0.0.1', '--node-name', 'cp-1']);
  if (made.code !== 0) throw new Error(`pki init failed: ${made.stderr}`);
  await mkdir(join(dir, 'etcd'), { mode: 0o700 });
  const [etcdPort, peerPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const etcdUrl = `https://127.0.0.1:${etcdPort}`;
  // kubeadm's etcd flags (phases/etcd/local.go) on kubeadm's file names
  const etcd = startProc('etcd', '/usr/bin/etcd', [
    '--name=cp-1', `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=https://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=https://127.0.0.1:${peerPort}`, `--initial-cluster=cp-1=https://127.0.0.1:${peerPort}`,
    `--cert-file=${p('etcd/server.crt')}`, `--key-file=${p('etcd/server.key')}`, '--client-cert-auth=true', `--trusted-ca-file=${p('etcd/ca.crt')}`,
    `--peer-cert-file=${p('etcd/peer.crt')}`, `--peer-key-file=${p('etcd/peer.key')}`, '--peer-client-cert-auth=true', `--peer-trusted-ca-file=${p('etcd/ca.crt')}`,
  ], join(dir, 'etcd.log'));
  procs.push(etcd);
  await waitReady(etcd, async () => (await httpsRequest(`${etcdUrl}/health`, { caFile: p('etcd/ca.crt'), certFile: p('etcd/healthcheck-client.crt'), keyFile: p('etcd/healthcheck-client.key') })).status === 200, 60_000);
  apiserverUrl = `https://127.0.0.1:${apiPort}`;
  // kubeadm's kube-apiserver certificate flags (phases/controlplane/manifests.go getAPIServerCommand)
  const apiserver = startProc('kube-apiserver', bins.apiserver, [
    '--advertise-address=127.0.0.1', '--bind-address=127.0.0.1', `--secure-port=${apiPort}`, '--insecure-port=0',
    `--tls-cert-file=${p('apiserver.crt')}`, `--tls-private-key-file=${p('apiserver.key')}`,
    `--client-ca-file=${p('ca.crt')}`, '--anonymous-auth=false', '--authorization-mode=Node,RBAC',
    `--etcd-servers=${etcdUrl}`, `--etcd-cafile=${p('etcd/ca.crt')}`, `--etcd-certfile=${p('apiserver-etcd-client.crt')}`, `--etcd-keyfile=${p('apiserver-etcd-client.key')}`,
    `--kubelet-client-certificate=${p('apiserver-kubelet-client.crt')}`, `--kubelet-client-key=${p('apiserver-kubelet-client.key')}`,
    `--requestheader-client-ca-file=${p('front-proxy-ca.crt')}`, '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User', '--requestheader-group-headers=X-Remote-Group', '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${p('front-proxy-client.crt')}`, `--proxy-client-key-file=${p('front-proxy-client.key')}`,
    `--service-account-key-file=${p('sa.pub')}`, `--service-account-signing-key-file=${p('sa.key')}`, '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.96.0.0/12', '--endpoint-reconciler-type=none', '--v=1',
  ], join(dir, 'kube-apiserver.log'));
  procs.push(apiserver);
  const kubeletClient = { caFile: p('ca.crt'), certFile: p('apiserver-kubelet-client.crt'), keyFile: p('apiserver-kubelet-client.key') };
  await waitReady(apiserver, async () => (await httpsRequest(`${apiserverUrl}/readyz`, kubeletClient)).status === 200, 180_000);
}, 600_000);

afterAll(async () => {
  for (const proc of procs.reverse()) await stopProc(proc);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kube-apiserver and etcd on a kubeward PKI', () => {
  it('serves TLS with apiserver.crt, verified by ca.crt for 127.0.0.1', async () => {
    const r = await httpsRequest(`${apiserverUrl}/readyz`, { caFile: p('ca.crt'), certFile: p('apiserver-kubelet-client.crt'), keyFile: p('apiserver-kubelet-client.key') });
    expect(r.status).toBe(200);
  });

  it('authenticates apiserver-kubelet-client as kube-apiserver-kubelet-client in kubeadm:cluster-admins, not system:masters', async () => {
    const r = await httpsRequest(`${apiserverUrl}/api/v1/namespaces`, { caFile: p('ca.crt'), certFile: p('apiserver-kubelet-client.crt'), keyFile: p('apiserver-kubelet-client.key') });
    // authenticated (not 401) and, with no ClusterRoleBinding for kubeadm:cluster-admins in 1.20, not authorized
    expect(r.status).toBe(403);
    expect(r.body).toContain('User \\"kube-apiserver-kubelet-client\\"');
  });

  it('does not accept a client certificate from the etcd CA (separate CAs)', async () => {
    const r = await httpsRequest(`${apiserverUrl}/api/v1/namespaces`, { caFile: p('ca.crt'), certFile: p('etcd/healthcheck-client.crt'), keyFile: p('etcd/healthcheck-client.key') });
    expect(r.status).toBe(401);
  });

  it('reaches etcd with apiserver-etcd-client: the default namespace was written', async () => {
    const r = await httpsRequest(`${apiserverUrl}/readyz?verbose`, { caFile: p('ca.crt'), certFile: p('apiserver-kubelet-client.crt'), keyFile: p('apiserver-kubelet-client.key') });
    expect(r.body).toContain('[+]etcd ok');
  });
});
