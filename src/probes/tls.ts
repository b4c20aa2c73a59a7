/** TLS probes: the handshake (chain, SANs, expiry, client-certificate demand) and the protocol versions accepted. */
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { probeHttp } from '../net/http.js';
import { probeTls, probeTlsVersions, type TlsProbeResult } from '../net/tls.js';
import type { Details, ProbeContext, ProbeResult } from './context.js';
import { PROBE_FINDINGS } from './findings.js';
import { endpointTarget, type Endpoint } from './target.js';

const DAY = 86_400_000;
export const EXPIRY_WARNING_DAYS = 30;

function handshakeOutcome(r: TlsProbeResult): string {
  switch (r.handshake) {
    case 'none':
      return r.reach === 'closed' ? 'port closed (connection refused)' : r.reach === 'filtered' ? 'no answer to the TCP connect (filtered)' : `not reachable: ${r.error ?? r.reach}`;
    case 'silent':
      return 'TCP connected, but no TLS answer came in time';
    case 'not-tls':
      return `answered without TLS${r.greeting ? `: "${r.greeting}"` : ''}`;
    case 'local':
      return `this machine's OpenSSL could not offer the handshake: ${r.error ?? ''}`;
    case 'refused':
      return r.clientCertificateRequired
        ? `TLS handshake refused without a client certificate${r.alert ? ` (alert ${r.alert})` : ''}`
        : `TLS handshake refused: ${r.alert ? `alert ${r.alert}` : (r.error ?? 'closed')}`;
    case 'ok': {
      const client = r.clientCertificateRequired ? ', then refused us for lack of a client certificate' : r.certificateRequested ? ', client certificate requested (optional)' : '';
      return `${r.protocol ?? 'TLS'} with ${r.cipher ?? 'unknown cipher'}${client}`;
    }
  }
}

function clientCertFact(r: TlsProbeResult): string {
  if (r.clientCertificateRequired) return 'required';
  if (r.clientCertificateRequired === false) return 'not-required';
  if (r.certificateRequested) return 'requested';
  if (r.certificateRequested === false) return 'not-requested';
  return 'unknown';
}

/** The handshake probe; returns the raw result too, since the other probes of an endpoint depend on it. */
export async function tlsHandshakeProbe(e: Endpoint, ctx: ProbeContext): Promise<{ raw: TlsProbeResult; results: ProbeResult[] }> {
  const at = ctx.now().toISOString();
  const raw = await probeTls({ host: e.host, port: e.port, timeoutMs: ctx.timeoutMs, confirmClientAuth: true, ...(ctx.credentials.ca !== undefined ? { ca: ctx.credentials.ca } : {}) });
  const leaf = raw.chain[0];
  const details: Details = { reach: raw.reach, handshake: raw.handshake, elapsedMs: raw.elapsedMs };
  if (raw.protocol) details.protocol = raw.protocol;
  if (raw.cipher) details.cipher = raw.cipher;
  if (raw.handshake === 'ok' || raw.handshake === 'refused') details.clientCertificate = clientCertFact(raw);
  if (raw.alert) details.alert = raw.alert;
  if (raw.error) details.error = raw.error;
  if (raw.verified !== undefined) details.verified = raw.verified;
  if (raw.verifyError) details.verifyError = raw.verifyError;
  if (leaf) {
    details.subject = leaf.subject;
    details.issuer = leaf.issuer;
    details.sans = leaf.sans.join(', ');
    details.notAfter = leaf.notAfter;
    details.daysLeft = Math.floor((Date.parse(leaf.notAfter) - ctx.now().getTime()) / DAY);
    details.chainLength = raw.chain.length;
    details.fingerprint256 = leaf.fingerprint256;
  }
  const evidence = { kind: 'tls-handshake', target: endpointTarget(e), outcome: handshakeOutcome(raw), at, details };
  const results: ProbeResult[] = [];
  const base = { endpoint: e, evidence };
  if (raw.handshake === 'none' || raw.handshake === 'silent') results.push({ ...base, verdict: 'unreachable' });
  else if (raw.handshake === 'not-tls') results.push({ ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.plaintextOnTlsPort, detail: `${endpointTarget(e)} (${e.kind}) ${evidence.outcome}` } });
  else if (raw.handshake === 'local') results.push({ ...base, verdict: 'inconclusive' });
  else if (raw.handshake === 'refused' && !raw.clientCertificateRequired && raw.chain.length === 0) results.push({ ...base, verdict: 'inconclusive' });
  else results.push(...certificateResults(e, raw, base));
  return { raw, results };
}

/** Expiry and name/CA verification of the served certificate; a clean certificate gives one "secure" row. */
function certificateResults(e: Endpoint, raw: TlsProbeResult, base: Pick<ProbeResult, 'endpoint' | 'evidence'>): ProbeResult[] {
  const leaf = raw.chain[0];
  if (!leaf) return [{ ...base, verdict: raw.handshake === 'ok' ? 'info' : 'secure' }];
  const out: ProbeResult[] = [];
  const daysLeft = base.evidence.details?.daysLeft as number;
  if (daysLeft < 0) {
    out.push({ ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.tlsCertExpired, detail: `${endpointTarget(e)} serves ${leaf.subject}, expired ${leaf.notAfter}` } });
  } else if (daysLeft < EXPIRY_WARNING_DAYS) {
    out.push({ ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.tlsCertExpiring, detail: `${endpointTarget(e)} serves ${leaf.subject}, expiring ${leaf.notAfter} (${daysLeft} days)` } });
  }
  // Go and OpenSSL clients check the dialled name against the SANs (crypto/tls verifyHostname)
  const nameError = checkServerIdentity(e.host, { subject: {}, subjectaltname: leaf.sans.map((s) => s.replace(/^IP:/, 'IP Address:')).join(', ') } as unknown as PeerCertificate);
  // a name mismatch alone is reported by the SAN check below, not as a CA failure
  const caFailure = raw.verified === false && raw.verifyError !== 'ERR_TLS_CERT_ALTNAME_INVALID';
  if (caFailure || nameError) {
    const why = [caFailure ? `does not verify against the given CA (${raw.verifyError ?? 'unknown error'})` : '', nameError ? `does not name ${e.host} (SANs: ${leaf.sans.join(', ') || 'none'})` : '']
      .filter((s) => s)
      .join('; ');
    out.push({ ...base, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.tlsUntrusted, detail: `${endpointTarget(e)}: certificate ${why}` } });
  }
  if (out.length === 0) out.push({ ...base, verdict: 'secure' });
  return out;
}

/** One handshake per protocol version (`negotiated`: already seen accepted, not tried again); TLS 1.0/1.1 accepted is a finding. */
export async function tlsVersionsProbe(e: Endpoint, ctx: ProbeContext, negotiated?: string): Promise<ProbeResult> {
  const at = ctx.now().toISOString();
  const v = await probeTlsVersions({ host: e.host, port: e.port, timeoutMs: ctx.timeoutMs }, negotiated);
  const details: Details = { ...v };
  const accepted = Object.entries(v).filter(([, o]) => o === 'accepted').map(([k]) => k);
  const notOffered = Object.entries(v).filter(([, o]) => o === 'not-offered-locally').map(([k]) => k);
  const legacy = accepted.filter((k) => k === 'TLSv1' || k === 'TLSv1.1');
  const outcome =
    `accepts ${accepted.join(', ') || 'no version tried'}` + (notOffered.length ? `; this machine's OpenSSL cannot offer ${notOffered.join(', ')}, so those were not tested` : '');
  const evidence = { kind: 'tls-versions', target: endpointTarget(e), outcome, at, details };
  if (legacy.length > 0) {
    return { endpoint: e, evidence, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.tlsLegacyVersion, detail: `${endpointTarget(e)} accepts ${legacy.join(' and ')}` } };
  }
  return { endpoint: e, evidence, verdict: notOffered.length > 0 ? 'inconclusive' : 'secure' };
}

/**
 * A port that hung up on our ClientHello without a TLS alert may be plaintext behind a protocol
 * multiplexer (etcd's cmux does this): ask it a plain HTTP question.
 */
export async function plaintextProbe(e: Endpoint, ctx: ProbeContext): Promise<ProbeResult | undefined> {
  const at = ctx.now().toISOString();
  const r = await probeHttp({ tls: false, host: e.host, port: e.port, path: '/version', timeoutMs: ctx.timeoutMs, maxBody: 512 });
  // Go's TLS servers answer plain HTTP with this 400 (net/http server.go): that is TLS-only, not plaintext
  if (r.status === undefined || /Client sent an HTTP request to an HTTPS server/.test(r.body ?? '')) return undefined;
  const outcome = `refused the TLS handshake, but answered plain HTTP GET /version with ${r.status}`;
  const evidence = { kind: 'plaintext', target: `http://${endpointTarget(e)}/version`, outcome, at, details: { status: r.status, elapsedMs: r.elapsedMs } };
  return { endpoint: e, evidence, verdict: 'insecure', finding: { meta: PROBE_FINDINGS.plaintextOnTlsPort, detail: `${endpointTarget(e)} (${e.kind}) ${outcome}` } };
}
