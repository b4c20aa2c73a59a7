/**
 * etcd probes. The client-port probes ask for a count over the whole keyspace through etcd's
 * HTTP/JSON gateway (POST /v3/kv/range with count_only: read-only, returns no keys or values;
 * etcd 3.3 serves it under /v3beta, 3.4 under both, 3.5+ under /v3 only — etcd api/v3rpc gateway).
 * Each is tried with no certificate, with one from a throwaway CA, and with one signed by the
 * cluster CA: only the last tells whether etcd's trusted CA is separate from the cluster's.
 */
import type { CheckMeta } from '../checks/registry.js';
import { probeHttp, type HttpProbeResult } from '../net/http.js';
import type { ClientCredential } from './client-certs.js';
import type { Details, ProbeContext, ProbeResult } from './context.js';
import { PROBE_FINDINGS } from './findings.js';
import { isLoopbackHost as isLoopback } from '../model/graph-build.js';
import { endpointTarget, type Endpoint } from './target.js';

const RANGE_PATHS = ['/v3/kv/range', '/v3beta/kv/range'];
/** key "\0" with range_end "\0": every key (etcd rpc.proto RangeRequest) */
const COUNT_ALL = JSON.stringify({ key: 'AA==', range_end: 'AA==', count_only: true });

interface RangeAnswer {
  r: HttpProbeResult;
  path: string;
  /** keys counted, when etcd answered the range */
  count?: number;
  /** etcd's own error text, when it refused (e.g. "etcdserver: user name is empty") */
  etcdError?: string;
}

async function countAllKeys(e: Endpoint, ctx: ProbeContext, tls: boolean, cred?: ClientCredential): Promise<RangeAnswer> {
  let last: RangeAnswer | undefined;
  for (const path of RANGE_PATHS) {
    const r = await probeHttp({
      tls,
      host: e.host,
      port: e.port,
      path,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: COUNT_ALL,
      timeoutMs: ctx.timeoutMs,
      ...(ctx.credentials.ca !== undefined ? { ca: ctx.credentials.ca } : {}),
      ...(cred ? { cert: cred.cert, key: cred.key } : {}),
    });
    last = { r, path };
    if (r.status === 404) continue;
    try {
      const body = JSON.parse(r.body ?? '') as { header?: unknown; count?: string | number; error?: string; message?: string };
      if (r.status === 200 && body.header) last.count = Number(body.count ?? 0);
      else if (body.error ?? body.message) last.etcdError = String(body.error ?? body.message);
    } catch {
      // not the gateway's JSON: the status says enough
    }
    return last;
  }
  return last!;
}

function rangeOutcome(a: RangeAnswer, presented: string): string {
  const via = `POST ${a.path} (count of all keys) ${presented}`;
  if (a.count !== undefined) return `${via}: answered, ${a.count} keys readable`;
  if (a.r.status !== undefined) return `${via}: the connection was accepted, the range was not answered (HTTP ${a.r.status}${a.etcdError ? `: ${a.etcdError}` : ''})`;
  if (a.r.reach !== 'open') return `${via}: not reachable (${a.r.error ?? a.r.reach})`;
  return `${via}: refused (${a.r.error ?? 'connection closed'})`;
}

function rangeDetails(a: RangeAnswer): Details {
  const d: Details = { reach: a.r.reach, status: a.r.status ?? null, elapsedMs: a.r.elapsedMs, path: a.path };
  if (a.count !== undefined) d.keys = a.count;
  if (a.etcdError) d.etcdError = a.etcdError;
  if (a.r.error) d.error = a.r.error;
  if (a.r.verified !== undefined) d.serverVerified = a.r.verified;
  return d;
}

/** etcd client port with no client certificate (https), or over plain http. */
export async function etcdNoClientCertProbe(e: Endpoint, ctx: ProbeContext, tls: boolean): Promise<ProbeResult> {
  const at = ctx.now().toISOString();
  const a = await countAllKeys(e, ctx, tls);
  const kind = tls ? 'etcd-no-client-cert' : 'etcd-plaintext';
  const evidence = { kind, target: `${tls ? 'https' : 'http'}://${endpointTarget(e)}`, outcome: rangeOutcome(a, tls ? 'without a client certificate' : 'over plain HTTP'), at, details: rangeDetails(a) };
  const meta = tls ? PROBE_FINDINGS.etcdNoClientCert : PROBE_FINDINGS.etcdPlaintext;
  if (a.count !== undefined) return { endpoint: e, evidence, verdict: 'insecure', finding: { meta, detail: `${evidence.target}: ${evidence.outcome}` } };
  if (a.r.status !== undefined) {
    // TLS (or HTTP) let us in; only etcd's own user auth stopped the read, which Kubernetes does not use
    return { endpoint: e, evidence, verdict: 'insecure', finding: { meta, severity: 'high', detail: `${evidence.target}: ${evidence.outcome}` } };
  }
  return { endpoint: e, evidence, verdict: a.r.reach === 'open' ? 'secure' : 'unreachable' };
}

/**
 * etcd client port with a client certificate the etcd should refuse. `openDoor`: the no-certificate
 * probe already got in, so acceptance here says nothing new and raises no second finding.
 */
export async function etcdWrongCertProbe(
  e: Endpoint,
  ctx: ProbeContext,
  which: 'foreign' | 'cluster-ca',
  openDoor: boolean,
): Promise<ProbeResult> {
  const at = ctx.now().toISOString();
  const kind = which === 'foreign' ? 'etcd-foreign-ca' : 'etcd-cluster-ca';
  const target = `https://${endpointTarget(e)}`;
  const cred = which === 'foreign' ? await ctx.foreign() : ctx.clusterSigned;
  if (!cred) {
    const outcome = 'not tried: no cluster CA certificate and key at hand (--cluster-ca-cert/--cluster-ca-key, or a node root with etc/kubernetes/pki/ca.key)';
    return { endpoint: e, evidence: { kind, target, outcome, at, details: { tried: false } }, verdict: 'inconclusive' };
  }
  const a = await countAllKeys(e, ctx, true, cred);
  const evidence = { kind, target, outcome: rangeOutcome(a, `with a client certificate signed by ${cred.label}`), at, details: { ...rangeDetails(a), tried: true } };
  if (a.r.status === undefined) {
    const outcome = which === 'cluster-ca' ? `${evidence.outcome} — etcd trusts a CA separate from the cluster CA` : evidence.outcome;
    return { endpoint: e, evidence: { ...evidence, outcome }, verdict: a.r.reach === 'open' ? 'secure' : 'unreachable' };
  }
  if (openDoor) return { endpoint: e, evidence: { ...evidence, outcome: `${evidence.outcome} (etcd lets in clients without any certificate)` }, verdict: 'info' };
  const meta: CheckMeta = which === 'foreign' ? PROBE_FINDINGS.etcdForeignCa : PROBE_FINDINGS.etcdTrustsClusterCa;
  return { endpoint: e, evidence, verdict: 'insecure', finding: { meta, detail: `${target}: ${evidence.outcome}` } };
}

/** etcd metrics listener (--listen-metrics-urls, kubeadm 2381): plaintext and credential-free by design; only loopback is fine. */
export async function etcdMetricsProbe(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult> {
  const at = ctx.now().toISOString();
  const tls = e.scheme === 'https';
  const r = await probeHttp({ tls, host: e.host, port: e.port, path: '/metrics', timeoutMs: ctx.timeoutMs, maxBody: 1024 });
  const target = `${tls ? 'https' : 'http'}://${endpointTarget(e)}/metrics`;
  const details: Details = { reach: r.reach, status: r.status ?? null, elapsedMs: r.elapsedMs };
  if (r.error) details.error = r.error;
  if (r.status === undefined) {
    const outcome = r.reach === 'closed' ? 'port closed' : `no answer (${r.error ?? r.reach})`;
    return { endpoint: e, evidence: { kind: 'etcd-metrics', target, outcome, at, details }, verdict: r.reach === 'closed' || r.reach === 'filtered' ? 'secure' : 'unreachable' };
  }
  const outcome = `GET /metrics without credentials → ${r.status}`;
  const evidence = { kind: 'etcd-metrics', target, outcome, at, details };
  if (r.status !== 200) return { endpoint: e, evidence, verdict: 'secure' };
  if (isLoopback(e.host)) return { endpoint: e, evidence: { ...evidence, outcome: `${outcome} (loopback only)` }, verdict: 'info' };
  return { endpoint: e, evidence, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.etcdMetricsExposed, detail: `${target} served metrics without credentials` } };
}

/** etcd peer port: GET /members (etcd rafthttp peer handler) without a peer certificate, over TLS or plain HTTP. */
export async function etcdPeerProbe(e: Endpoint, ctx: ProbeContext, tls: boolean): Promise<ProbeResult> {
  const at = ctx.now().toISOString();
  const r = await probeHttp({ tls, host: e.host, port: e.port, path: '/members', timeoutMs: ctx.timeoutMs, ...(ctx.credentials.ca !== undefined ? { ca: ctx.credentials.ca } : {}) });
  const target = `${tls ? 'https' : 'http'}://${endpointTarget(e)}/members`;
  const details: Details = { reach: r.reach, status: r.status ?? null, elapsedMs: r.elapsedMs };
  if (r.error) details.error = r.error;
  const kind = tls ? 'etcd-peer-no-client-cert' : 'etcd-peer-plaintext';
  if (r.status === undefined) {
    const outcome = r.reach === 'open' ? `refused without a peer certificate (${r.error ?? 'closed'})` : `no answer (${r.error ?? r.reach})`;
    return { endpoint: e, evidence: { kind, target, outcome, at, details }, verdict: r.reach === 'open' ? 'secure' : 'unreachable' };
  }
  const evidence = { kind, target, outcome: `GET /members without a peer certificate → ${r.status}`, at, details };
  if (r.status !== 200) return { endpoint: e, evidence, verdict: 'inconclusive' };
  const meta = tls ? PROBE_FINDINGS.etcdPeerNoClientCert : PROBE_FINDINGS.etcdPeerPlaintext;
  return { endpoint: e, evidence, verdict: 'insecure', finding: { meta, detail: `${target} answered without a peer certificate` } };
}

/**
 * The control: the range with the certificate the operator gave (--cert/--key). When etcd accepts
 * it, the refusals above are about the certificates; when it refuses it too, they prove less.
 */
export async function etcdAuthorizedProbe(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult | undefined> {
  const { cert, key } = ctx.credentials;
  if (cert === undefined || key === undefined) return undefined;
  const at = ctx.now().toISOString();
  const a = await countAllKeys(e, ctx, true, { cert: cert.toString(), key: key.toString(), label: 'the given --cert' });
  const outcome = rangeOutcome(a, 'with the given --cert (control)');
  const evidence = { kind: 'etcd-authorized', target: `https://${endpointTarget(e)}`, outcome: a.count === undefined ? `${outcome} — the other etcd results on this endpoint prove less than they seem` : outcome, at, details: rangeDetails(a) };
  return { endpoint: e, evidence, verdict: a.count !== undefined ? 'info' : 'inconclusive' };
}
