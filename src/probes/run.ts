/**
 * The probe plan: which probes run against which kind of endpoint, in what order (the TLS handshake
 * first; an endpoint that does not answer costs one timeout and nothing more), with a bound on how
 * many endpoints are in flight. Results become findings through the same toFinding as checks.
 */
import { toFinding } from '../checks/registry.js';
import { compareFindings, emptyEvidence, type Finding } from '../model/finding.js';
import { mapLimit } from '../net/pool.js';
import { apiserverAnonymousProbes, kubeletAnonymousProbe, kubeletReadOnlyProbe, metricsAnonymousProbe } from './anonymous.js';
import type { ProbeContext, ProbeResult } from './context.js';
import { etcdAuthorizedProbe, etcdMetricsProbe, etcdNoClientCertProbe, etcdPeerProbe, etcdWrongCertProbe } from './etcd.js';
import { COMPONENT_OF, endpointTarget, expectsPlaintext, type Endpoint } from './target.js';
import { plaintextProbe, tlsHandshakeProbe, tlsVersionsProbe } from './tls.js';

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_TIMEOUT_MS = 3000;

/** Every probe that applies to one endpoint. */
export async function probeEndpoint(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult[]> {
  if (expectsPlaintext(e)) {
    switch (e.kind) {
      case 'kubelet-readonly':
        return [await kubeletReadOnlyProbe(e, ctx)];
      case 'etcd-metrics':
        return [await etcdMetricsProbe(e, ctx)];
      case 'etcd-peer':
        return [await etcdPeerProbe(e, ctx, false)];
      default:
        // an http:// etcd client URL (or any other plain endpoint named by URL)
        return e.kind === 'etcd-client' ? [await etcdNoClientCertProbe(e, ctx, false)] : [];
    }
  }
  const { raw, results } = await tlsHandshakeProbe(e, ctx);
  const hungUp = raw.handshake === 'refused' && raw.serverBytes === 0 && !raw.clientCertificateRequired;
  if (raw.handshake === 'not-tls' || hungUp) {
    if (e.kind === 'etcd-client' || e.kind === 'etcd-peer') {
      // for etcd the plain-HTTP etcd probe carries the finding: it shows what plaintext gives away
      const plain = e.kind === 'etcd-client' ? await etcdNoClientCertProbe(e, ctx, false) : await etcdPeerProbe(e, ctx, false);
      if (plain.verdict === 'insecure') return [...results.map(({ finding: _raised, ...r }) => ({ ...r, verdict: 'info' as const })), plain];
      return results;
    }
    const plain = hungUp ? await plaintextProbe(e, ctx) : undefined;
    return plain ? [...results, plain] : results;
  }
  if (raw.handshake !== 'ok' && raw.handshake !== 'refused') return results;
  const rest: Promise<ProbeResult | ProbeResult[]>[] = [tlsVersionsProbe(e, ctx, raw.protocol)];
  switch (e.kind) {
    case 'apiserver':
      rest.push(apiserverAnonymousProbes(e, ctx));
      break;
    case 'kubelet':
      rest.push(kubeletAnonymousProbe(e, ctx));
      break;
    case 'scheduler':
    case 'controller-manager':
      rest.push(metricsAnonymousProbe(e, ctx));
      break;
    case 'etcd-client':
      rest.push(etcdClientProbes(e, ctx));
      break;
    case 'etcd-peer':
      rest.push(etcdPeerProbe(e, ctx, true));
      break;
    default:
      break;
  }
  return [...results, ...(await Promise.all(rest)).flat()];
}

async function etcdClientProbes(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult[]> {
  const noCert = await etcdNoClientCertProbe(e, ctx, true);
  const openDoor = noCert.verdict === 'insecure';
  const [foreign, cluster, control] = await Promise.all([etcdWrongCertProbe(e, ctx, 'foreign', openDoor), etcdWrongCertProbe(e, ctx, 'cluster-ca', openDoor), etcdAuthorizedProbe(e, ctx)]);
  return control ? [noCert, foreign, cluster, control] : [noCert, foreign, cluster];
}

/** Probes every endpoint (at most `concurrency` at a time); results in endpoint order. */
export async function runProbes(
  endpoints: readonly Endpoint[],
  ctx: ProbeContext,
  concurrency = DEFAULT_CONCURRENCY,
  onEndpointDone?: (done: number, total: number) => void,
): Promise<ProbeResult[]> {
  const all = dedupe(endpoints);
  let done = 0;
  return (
    await mapLimit(all, concurrency, async (e) => {
      const r = await probeEndpoint(e, ctx);
      onEndpointDone?.(++done, all.length);
      return r;
    })
  ).flat();
}

function dedupe(endpoints: readonly Endpoint[]): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const e of endpoints) {
    const key = `${endpointTarget(e)}/${e.kind}`;
    if (!seen.has(key)) seen.set(key, e);
  }
  return [...seen.values()];
}

/** The findings the insecure results raise, in the stable order of compareFindings. */
export function probeFindings(results: readonly ProbeResult[]): Finding[] {
  return results
    .filter((r) => r.finding)
    .map((r) =>
      toFinding(r.finding!.meta, {
        component: COMPONENT_OF[r.endpoint.kind],
        host: r.endpoint.node ?? r.endpoint.host,
        evidence: { ...emptyEvidence('probe'), probe: r.evidence },
        detail: r.finding!.detail,
        ...(r.finding!.severity ? { severity: r.finding!.severity } : {}),
      }),
    )
    .sort(compareFindings);
}
