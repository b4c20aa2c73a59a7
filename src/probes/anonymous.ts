/**
 * Anonymous access: requests with no credentials at all, as anyone on the network would send them.
 * API server /version and /api, kubelet /pods (10250 over TLS, 10255 read-only over plain HTTP),
 * scheduler and controller-manager /metrics. Response bodies are parsed for a count, never kept.
 */
import { probeHttp, type HttpProbeResult } from '../net/http.js';
import type { Details, ProbeContext, ProbeResult } from './context.js';
import { PROBE_FINDINGS } from './findings.js';
import { endpointTarget, type Endpoint } from './target.js';

function statusOutcome(r: HttpProbeResult, path: string, scheme: string): string {
  if (r.status === undefined) return `${scheme} GET ${path}: no answer (${r.error ?? r.reach})`;
  const meaning = r.status === 401 ? 'unauthenticated: refused' : r.status === 403 ? 'authenticated as anonymous, then forbidden' : r.status < 300 ? 'served' : 'answered';
  return `anonymous ${scheme} GET ${path} → ${r.status} (${meaning})`;
}

function itemCount(body: string | undefined): number | null {
  try {
    const parsed = JSON.parse(body ?? '') as { items?: unknown[] };
    return Array.isArray(parsed.items) ? parsed.items.length : null;
  } catch {
    return null;
  }
}

async function anonymousGet(e: Endpoint, ctx: ProbeContext, path: string, tls: boolean): Promise<{ r: HttpProbeResult; base: Omit<ProbeResult, 'verdict'> }> {
  const at = ctx.now().toISOString();
  const r = await probeHttp({ tls, host: e.host, port: e.port, path, timeoutMs: ctx.timeoutMs });
  const details: Details = { reach: r.reach, status: r.status ?? null, elapsedMs: r.elapsedMs };
  if (r.error) details.error = r.error;
  const evidence = { kind: `anonymous-${path.replace(/^\//, '').replace(/\//g, '-') || 'root'}`, target: `${tls ? 'https' : 'http'}://${endpointTarget(e)}${path}`, outcome: statusOutcome(r, path, tls ? 'HTTPS' : 'HTTP'), at, details };
  return { r, base: { endpoint: e, evidence } };
}

function unanswered(r: HttpProbeResult): ProbeResult['verdict'] | undefined {
  if (r.status !== undefined) return undefined;
  return r.reach === 'open' ? 'inconclusive' : 'unreachable';
}

/** API server: /version (public-info-viewer lets anonymous read it when anonymous auth is on) and /api (discovery: authenticated only since 1.14). */
export async function apiserverAnonymousProbes(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult[]> {
  const [version, api] = await Promise.all([anonymousGet(e, ctx, '/version', true), anonymousGet(e, ctx, '/api', true)]);
  const out: ProbeResult[] = [];
  try {
    const v = JSON.parse(version.r.body ?? '') as { gitVersion?: unknown };
    if (typeof v.gitVersion === 'string') version.base.evidence.details!.gitVersion = v.gitVersion;
  } catch {
    // not JSON: nothing to add
  }
  out.push({ ...version.base, verdict: unanswered(version.r) ?? (version.r.status === 200 ? 'info' : 'secure') });
  const s = api.r.status;
  if (s === undefined) out.push({ ...api.base, verdict: unanswered(api.r)! });
  else if (s === 200) out.push({ ...api.base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.apiserverAnonymous, detail: `${api.base.evidence.target} answered 200 without credentials` } });
  else if (s === 403) out.push({ ...api.base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.apiserverAnonymousAuth, detail: `${api.base.evidence.target} answered 403 (anonymous authenticated, not authorized)` } });
  else out.push({ ...api.base, verdict: s === 401 ? 'secure' : 'inconclusive' });
  return out;
}

/** kubelet 10250: GET /pods with no credentials. */
export async function kubeletAnonymousProbe(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult> {
  const { r, base } = await anonymousGet(e, ctx, '/pods', true);
  if (r.status === undefined) return { ...base, verdict: unanswered(r)! };
  if (r.status === 200) {
    base.evidence.details!.pods = itemCount(r.body);
    return { ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.kubeletAnonymous, detail: `${base.evidence.target} listed pods without credentials` } };
  }
  if (r.status === 403) return { ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.kubeletAnonymousAuth, detail: `${base.evidence.target} answered 403 (anonymous authenticated, not authorized)` } };
  return { ...base, verdict: r.status === 401 ? 'secure' : 'inconclusive' };
}

/** kubelet read-only port (10255): plain HTTP GET /pods; a closed port is the secure answer. */
export async function kubeletReadOnlyProbe(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult> {
  const { r, base } = await anonymousGet(e, ctx, '/pods', false);
  if (r.status === undefined) return { ...base, verdict: r.reach === 'closed' ? 'secure' : unanswered(r)! };
  if (r.status === 200) {
    base.evidence.details!.pods = itemCount(r.body);
    return { ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.kubeletReadOnlyPort, detail: `${base.evidence.target} serves pods over plain HTTP without credentials` } };
  }
  return { ...base, verdict: 'inconclusive' };
}

/** kube-scheduler 10259 / kube-controller-manager 10257: GET /metrics with no credentials. */
export async function metricsAnonymousProbe(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult> {
  const { r, base } = await anonymousGet(e, ctx, '/metrics', true);
  if (r.status === undefined) return { ...base, verdict: unanswered(r)! };
  if (r.status === 200) return { ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.metricsAnonymous, detail: `${base.evidence.target} served metrics without credentials` } };
  return { ...base, verdict: r.status === 401 || r.status === 403 ? 'secure' : 'inconclusive' };
}
