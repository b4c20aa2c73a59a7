/**
 * The probe plan against local servers that answer as the components do: TLS servers with chosen
 * status codes per path (API server, kubelet, scheduler), a plain HTTP server on a "TLS" port and on
 * the kubelet read-only port, a closed port and a silent one.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeContext, type ProbeContext, type ProbeResult } from '../../src/probes/context.js';
import { probeEndpoint, probeFindings, runProbes } from '../../src/probes/run.js';
import { parseTarget, type EndpointKind } from '../../src/probes/target.js';
import { createCa, issueCert, pkiDir, rmPki, type CertFiles } from '../helpers/openssl-pki.js';

const dir = pkiDir();
let ca: CertFiles;
let serving: CertFiles;
let ctx: ProbeContext;
const servers: Server[] = [];

function listen(srv: Server): Promise<number> {
  servers.push(srv);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
}

/** An HTTPS server answering each path with the given status (JSON body). */
function https(statuses: Record<string, number>, tls: { minVersion?: 'TLSv1' | 'TLSv1.2'; ciphers?: string; cert?: CertFiles } = {}): Promise<number> {
  const c = tls.cert ?? serving;
  const srv = createHttpsServer({ key: readFileSync(c.key), cert: readFileSync(c.cert), ...(tls.minVersion ? { minVersion: tls.minVersion } : {}), ...(tls.ciphers ? { ciphers: tls.ciphers } : {}) }, (req, res) => {
    const status = statuses[req.url ?? ''] ?? 404;
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(status === 200 ? { gitVersion: 'v1.31.2', items: [{}, {}] } : { kind: 'Status' }));
  });
  return listen(srv);
}

function at(port: number, kind: EndpointKind) {
  return parseTarget(`127.0.0.1:${port}/${kind}`);
}

const ids = (r: ProbeResult[]) => probeFindings(r).map((f) => f.id);

beforeAll(async () => {
  ca = createCa(dir, 'ca');
  serving = issueCert(ca, dir, 'serving', { cn: 'kube-apiserver', sans: ['IP:127.0.0.1'], usage: 'server' });
  ctx = await probeContext({ timeoutMs: 1000, credentials: { ca: readFileSync(ca.cert) } });
});
afterAll(() => {
  for (const s of servers) s.close();
  rmPki(dir);
});

describe('API server', () => {
  it('anonymous discovery answered is a finding; 401 is secure', async () => {
    const open = await probeEndpoint(at(await https({ '/version': 200, '/api': 200 }), 'apiserver'), ctx);
    expect(ids(open)).toEqual(['probe/apiserver-anonymous']);
    expect(open.find((r) => r.evidence.kind === 'anonymous-version')?.evidence.details).toMatchObject({ status: 200, gitVersion: 'v1.31.2' });
    const forbidden = await probeEndpoint(at(await https({ '/version': 200, '/api': 403 }), 'apiserver'), ctx);
    expect(ids(forbidden)).toEqual(['probe/apiserver-anonymous-auth']);
    const closed = await probeEndpoint(at(await https({ '/version': 401, '/api': 401 }), 'apiserver'), ctx);
    expect(ids(closed)).toEqual([]);
    expect(closed.map((r) => r.verdict)).toEqual(['secure', 'secure', 'secure', 'secure']);
  });
});

describe('kubelet and metrics endpoints', () => {
  it('kubelet /pods anonymous, read-only port, scheduler /metrics', async () => {
    const kubelet = await probeEndpoint(at(await https({ '/pods': 200 }), 'kubelet'), ctx);
    expect(ids(kubelet)).toEqual(['probe/kubelet-anonymous']);
    expect(kubelet.find((r) => r.evidence.kind === 'anonymous-pods')?.evidence.details).toMatchObject({ pods: 2 });
    const ro = await listen(createHttpServer((_req, res) => res.end('{"items":[]}')));
    expect(ids(await probeEndpoint(at(ro, 'kubelet-readonly'), ctx))).toEqual(['probe/kubelet-readonly-port']);
    const sched = await probeEndpoint(at(await https({ '/metrics': 200 }), 'scheduler'), ctx);
    expect(ids(sched)).toEqual(['probe/metrics-anonymous']);
    expect(ids(await probeEndpoint(at(await https({ '/metrics': 403 }), 'controller-manager'), ctx))).toEqual([]);
  });
});

describe('TLS facts as findings', () => {
  it('legacy versions, expiring certificates and names that do not match', async () => {
    const legacy = await probeEndpoint(at(await https({}, { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }), 'tls'), ctx);
    const versions = legacy.find((r) => r.evidence.kind === 'tls-versions')!;
    if (versions.evidence.details!.TLSv1 === 'accepted') expect(ids(legacy)).toEqual(['probe/tls-legacy-version']);
    else expect(versions.evidence.outcome).toMatch(/cannot offer TLSv1/);
    const soon = issueCert(ca, dir, 'soon', { cn: 'soon', sans: ['DNS:elsewhere.example'], usage: 'server', days: 5 });
    const r = await probeEndpoint(at(await https({}, { cert: soon }), 'tls'), ctx);
    expect(ids(r).sort()).toEqual(['probe/tls-cert-expiring', 'probe/tls-untrusted']);
    expect(probeFindings(r).find((f) => f.id === 'probe/tls-untrusted')!.detail).toContain('does not name 127.0.0.1');
  });

  it('plain HTTP on a TLS port, a closed port and a silent one are results, not errors', async () => {
    const plain = await listen(createHttpServer((_req, res) => res.end('ok')));
    const p = await probeEndpoint(at(plain, 'apiserver'), ctx);
    expect(ids(p)).toEqual(['probe/plaintext-port']);
    const gone = await listen(createTcpServer());
    servers.pop()!.close();
    const silent = await listen(createTcpServer(() => undefined));
    const started = Date.now();
    const results = await runProbes([at(gone, 'kubelet'), at(silent, 'etcd-client')], ctx);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(results.map((r) => [r.evidence.kind, r.verdict, r.evidence.details?.reach])).toEqual([
      ['tls-handshake', 'unreachable', 'closed'],
      ['tls-handshake', 'unreachable', 'open'],
    ]);
    expect(results[1]!.evidence.outcome).toMatch(/no TLS answer/);
  });
});
