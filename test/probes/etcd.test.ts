/**
 * The etcd probes against real etcd members (Debian etcd-server): one secure with its own CA, one
 * TLS without client-cert auth, one plain HTTP, and one whose trusted client CA is the cluster CA.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeContext, ProbeResult } from '../../src/probes/context.js';
import { probeContext } from '../../src/probes/context.js';
import { probeEndpoint, probeFindings } from '../../src/probes/run.js';
import { parseTarget } from '../../src/probes/target.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { createCa, pkiDir, rmPki, type CertFiles } from '../helpers/openssl-pki.js';

const dir = pkiDir();
let secure: EtcdServer;
let tlsOpen: EtcdServer;
let plain: EtcdServer;
let sharedCa: EtcdServer;
let clusterCa: CertFiles;
let ctx: ProbeContext;

beforeAll(async () => {
  clusterCa = createCa(dir, 'cluster-ca', 'kubernetes');
  [secure, tlsOpen, plain, sharedCa] = await Promise.all([
    startEtcd({ mode: 'secure', dir, name: 'secure' }),
    startEtcd({ mode: 'tls-open', dir, name: 'tls-open' }),
    startEtcd({ mode: 'plaintext', dir, name: 'plain' }),
    startEtcd({ mode: 'secure', dir, name: 'shared-ca', ca: clusterCa }),
  ]);
  ctx = await probeContext({ timeoutMs: 2000, clusterCa: { cert: readFileSync(clusterCa.cert, 'utf8'), key: readFileSync(clusterCa.key, 'utf8') } });
});
afterAll(async () => {
  await Promise.all([secure, tlsOpen, plain, sharedCa].filter(Boolean).map((s) => s.stop()));
  rmPki(dir);
});

function byKind(results: ProbeResult[], kind: string): ProbeResult {
  const r = results.find((x) => x.evidence.kind === kind);
  if (!r) throw new Error(`no ${kind} result in ${results.map((x) => x.evidence.kind).join(', ')}`);
  return r;
}

describe('etcd client port probes', () => {
  it('secure etcd: refuses no certificate, a foreign CA and the cluster CA; CA separation proven', async () => {
    const results = await probeEndpoint(parseTarget(`${secure.clientUrl}/etcd-client`), ctx);
    expect(byKind(results, 'tls-handshake').evidence.details).toMatchObject({ handshake: 'ok', clientCertificate: 'required' });
    expect(byKind(results, 'etcd-no-client-cert').verdict).toBe('secure');
    expect(byKind(results, 'etcd-foreign-ca').verdict).toBe('secure');
    const cluster = byKind(results, 'etcd-cluster-ca');
    expect(cluster.verdict).toBe('secure');
    expect(cluster.evidence.outcome).toMatch(/separate from the cluster CA/);
    expect(probeFindings(results)).toEqual([]);
  });

  it('with --cert/--key: a control row shows the probing path works', async () => {
    const withCert = await probeContext({ timeoutMs: 2000, credentials: { ca: readFileSync(secure.ca!.cert), cert: readFileSync(secure.client!.cert), key: readFileSync(secure.client!.key) } });
    const results = await probeEndpoint(parseTarget(`${secure.clientUrl}/etcd-client`), withCert);
    const control = byKind(results, 'etcd-authorized');
    expect(control.verdict).toBe('info');
    expect(control.evidence.outcome).toMatch(/answered, \d+ keys readable/);
    expect(control.evidence.details).toMatchObject({ serverVerified: true });
    const wrong = await probeContext({ timeoutMs: 2000, credentials: { cert: readFileSync(secure.client!.cert), key: readFileSync(secure.client!.key) } });
    const other = await probeEndpoint(parseTarget(`${sharedCa.clientUrl}/etcd-client`), wrong);
    expect(byKind(other, 'etcd-authorized')).toMatchObject({ verdict: 'inconclusive' });
  });

  it('etcd trusting the cluster CA: the cluster-signed certificate gets in (no CA separation)', async () => {
    const results = await probeEndpoint(parseTarget(`${sharedCa.clientUrl}/etcd-client`), ctx);
    expect(byKind(results, 'etcd-no-client-cert').verdict).toBe('secure');
    expect(byKind(results, 'etcd-foreign-ca').verdict).toBe('secure');
    const findings = probeFindings(results);
    expect(findings.map((f) => f.id)).toEqual(['probe/etcd-trusts-cluster-ca']);
    const f = findings[0]!;
    expect(f).toMatchObject({ practice: 'etcd', severity: 'critical', component: 'etcd', evidence: { source: 'probe' } });
    expect(f.evidence.probe).toMatchObject({ kind: 'etcd-cluster-ca', target: sharedCa.clientUrl });
    expect(f.evidence.probe!.outcome).toMatch(/answered, \d+ keys readable/);
  });

  it('TLS without client-cert-auth: anyone gets in, one finding for the root cause', async () => {
    const results = await probeEndpoint(parseTarget(`${tlsOpen.clientUrl}/etcd-client`), ctx);
    expect(byKind(results, 'tls-handshake').evidence.details).toMatchObject({ handshake: 'ok' });
    expect(byKind(results, 'etcd-no-client-cert').verdict).toBe('insecure');
    expect(byKind(results, 'etcd-cluster-ca').verdict).toBe('info');
    expect(probeFindings(results).map((f) => f.id)).toEqual(['probe/etcd-no-client-cert']);
  });

  it('plain HTTP etcd: both by URL and when named as a TLS port', async () => {
    const byUrl = await probeEndpoint(parseTarget(`${plain.clientUrl}/etcd-client`), ctx);
    expect(probeFindings(byUrl).map((f) => f.id)).toEqual(['probe/etcd-plaintext']);
    const asTls = await probeEndpoint(parseTarget(`127.0.0.1:${plain.ports.client}/etcd-client`), ctx);
    expect(byKind(asTls, 'tls-handshake').evidence.details).toMatchObject({ handshake: 'refused', reach: 'open' });
    expect(probeFindings(asTls).map((f) => f.id)).toEqual(['probe/etcd-plaintext']);
  });
});

describe('etcd peer and metrics probes', () => {
  it('peer port: mutual TLS refuses us, plain HTTP answers', async () => {
    const sec = await probeEndpoint(parseTarget(`127.0.0.1:${secure.ports.peer}/etcd-peer`), ctx);
    expect(byKind(sec, 'etcd-peer-no-client-cert').verdict).toBe('secure');
    const open = await probeEndpoint(parseTarget(`127.0.0.1:${tlsOpen.ports.peer}/etcd-peer`), ctx);
    expect(probeFindings(open).map((f) => f.id)).toEqual(['probe/etcd-peer-no-client-cert']);
    const pl = await probeEndpoint(parseTarget(`${plain.peerUrl}/etcd-peer`), ctx);
    expect(probeFindings(pl).map((f) => f.id)).toEqual(['probe/etcd-peer-plaintext']);
  });

  it('metrics listener on loopback is reported, not a finding', async () => {
    const r = await probeEndpoint(parseTarget(`127.0.0.1:${secure.ports.metrics}/etcd-metrics`), ctx);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ verdict: 'info', evidence: { kind: 'etcd-metrics', details: { status: 200 } } });
  });
});
