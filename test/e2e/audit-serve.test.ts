/**
 * `audit serve` as the audit webhook backend of a real kube-apiserver v1.20.2 (harness), with the log
 * backend on at the same time and kubeward's own recommended policy: after a workload, every
 * (auditID, stage) the log file holds is in the store, and the live detections saw the attack steps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAuditPolicy } from '../../src/audit/policy.js';
import { readAuditEvents } from '../../src/audit/read.js';
import { keyOf } from '../../src/audit/store.js';
import { openSqliteQueries } from '../../src/audit/store-sqlite.js';
import { REPO } from '../helpers/cli.js';
import { createCa, issueCert, pkiDir, rmPki } from '../helpers/openssl-pki.js';
import { startCluster, type Cluster } from './harness.js';
import { freePort } from '../helpers/etcd.js';


let dir: string;
let serve: ChildProcess | undefined;
let cluster: Cluster | undefined;
let store: string;

beforeAll(async () => {
  dir = pkiDir('kubeward-e2e-audit-');
  const ca = createCa(dir, 'audit-ca');
  const server = issueCert(ca, dir, 'server', { cn: 'kubeward-audit', sans: ['IP:127.0.0.1'], usage: 'server' });
  const client = issueCert(ca, dir, 'apiserver', { cn: 'kube-apiserver', usage: 'client' });
  store = join(dir, 'audit.db');
  const port = await freePort();
  serve = spawn(process.execPath, ['--import', 'tsx', `${REPO}src/cli/entry.ts`, 'audit', 'serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', server.cert, '--tls-key', server.key, '--client-ca', ca.cert, '--store', `sqlite:${store}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    serve?.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) resolve();
    });
    serve?.once('exit', () => reject(new Error(err)));
  });
  const b64 = (p: string) => readFileSync(p).toString('base64');
  const webhook = `apiVersion: v1
kind: Config
clusters:
- name: kubeward
  cluster:
    server: https://127.0.0.1:${port}/events
    certificate-authority-data: ${b64(ca.cert)}
users:
- name: kube-apiserver
  user:
    client-certificate-data: ${b64(client.cert)}
    client-key-data: ${b64(client.key)}
contexts:
- name: default
  context: {cluster: kubeward, user: kube-apiserver}
current-context: default
`;
  writeFileSync(join(dir, 'webhook.yaml'), webhook);
  cluster = await startCluster({ auditPolicy: renderAuditPolicy('recommended'), auditWebhookConfig: webhook, apiserverFlags: ['--audit-webhook-batch-max-wait=1s'] });
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve?.once('exit', r));
    serve.kill('SIGTERM');
    await exited;
  }
  rmPki(dir);
});

describe('audit serve behind a real kube-apiserver', () => {
  it('every (auditID, stage) of the log backend is in the store; live alerts for the attack steps', async () => {
    const c = cluster as Cluster;
    await c.kubectlRun(['create', 'namespace', 'shop']);
    await c.kubectlRun(['-n', 'shop', 'create', 'secret', 'generic', 'db', '--from-literal=password=hunter2']);
    await c.kubectlRun(['-n', 'shop', 'create', 'deployment', 'web', '--image=nginx']);
    await c.kubectlRun(['-n', 'shop', 'create', 'serviceaccount', 'debug']);
    await c.kubectlRun(['create', 'clusterrolebinding', 'debug-admin', '--clusterrole=cluster-admin', '--serviceaccount=shop:debug']);
    await c.kubectlRun(['get', 'secrets', '--all-namespaces']);
    await c.kubectlRun(['-n', 'shop', 'delete', 'deployment', 'web']);

    const fileKeys = async () => {
      const keys = new Set<string>();
      for await (const e of readAuditEvents([c.auditLogFile])) keys.add(keyOf(e.auditID ?? '', e.stage ?? ''));
      return keys;
    };
    // the webhook backend batches (max wait 1 s) and the apiserver keeps running: compare a snapshot of the file
    const expected = await fileKeys();
    let missing: string[] = [];
    for (let i = 0; i < 60; i++) {
      const db = openSqliteQueries(store);
      const stored = await db.keys();
      await db.close();
      missing = [...expected].filter((k) => !stored.has(k));
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(expected.size).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    const db = openSqliteQueries(store);
    const rules = new Set((await db.alerts({})).map((a) => a.rule));
    await db.close();
    expect(rules).toContain('audit/cluster-admin-binding');
  }, 240_000);
});
