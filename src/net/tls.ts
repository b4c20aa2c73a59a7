/**
 * One TLS handshake against host:port, reported as facts: protocol and cipher chosen, the server's
 * chain (subjects, SANs, validity), whether it verifies against a given CA, whether the server asks
 * for or insists on a client certificate, or why no handshake happened (closed, filtered, not TLS,
 * refused version). Never throws for network outcomes; never holds more key material than it was given.
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, createSecureContext, type DetailedPeerCertificate, type SecureContext, type SecureVersion, type TLSSocket } from 'node:tls';
import { classifyError, timeoutError, type Reach } from './reach.js';
import { serverFlightReader, type ServerFlight } from './tls-records.js';

export interface TlsCredentials {
  /** CA bundle (PEM) to verify the server with; without it `verified` stays undefined */
  ca?: string | Buffer;
  /** client certificate and key (PEM) to present */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface TlsProbeOptions extends TlsCredentials {
  host: string;
  port: number;
  timeoutMs: number;
  /** SNI; default: the host when it is a name (SNI carries no IP literals, RFC 6066 §3) */
  servername?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
  /**
   * After a TLS 1.3 handshake without a client certificate, send one HTTP HEAD request: a server that
   * requires a certificate only says so after the handshake (RFC 8446 §4.4.2.4), as an alert on the next read.
   */
  confirmClientAuth?: boolean;
  /** read the server's certificate chain (default true); the per-version handshakes skip it */
  readChain?: boolean;
}

export interface CertSummary {
  subject: string;
  issuer: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  selfSigned: boolean;
}

export type HandshakeOutcome =
  /** completed */
  | 'ok'
  /** the server alerted or hung up during the handshake */
  | 'refused'
  /** the server answered with something that is not TLS */
  | 'not-tls'
  /** TCP connected but nothing came back in time */
  | 'silent'
  /** this machine's OpenSSL could not offer what was asked (e.g. TLS 1.0 at its security level) */
  | 'local'
  /** no TCP connection */
  | 'none';

export interface TlsProbeResult {
  reach: Reach;
  handshake: HandshakeOutcome;
  /** error code and message when something failed */
  error?: string;
  /** a plaintext TLS alert the server sent, by name */
  alert?: string;
  protocol?: string;
  cipher?: string;
  /** the chain verifies against the given CA (undefined when no CA was given or no handshake) */
  verified?: boolean;
  verifyError?: string;
  /** leaf first */
  chain: CertSummary[];
  /** TLS ≤ 1.2: the server's flight carried a CertificateRequest; undefined when it could not be seen (TLS 1.3) */
  certificateRequested?: boolean;
  /** the server refused us for lack of a client certificate; undefined when not known */
  clientCertificateRequired?: boolean;
  /** start of a non-TLS answer */
  greeting?: string;
  /** bytes the server sent (0: it hung up without a word, as a plaintext multiplexer does on a ClientHello) */
  serverBytes: number;
  elapsedMs: number;
}

/** OpenSSL errors meaning our side could not offer the protocol or any cipher for it. */
const LOCAL_ERRORS = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM', 'ERR_TLS_INVALID_PROTOCOL_VERSION']);
/** Alerts a server sends when it insists on a client certificate (Go sends bad_certificate; OpenSSL handshake_failure or certificate_required). */
const CLIENT_CERT_ALERTS = /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|HANDSHAKE_FAILURE|certificate_required|bad_certificate|handshake_failure/;
const CERT_ONLY_ALERTS = /CERTIFICATE_REQUIRED|BAD_CERTIFICATE|certificate_required|bad_certificate/;

/**
 * One SecureContext per distinct set of options, shared by every probe that uses it: building a
 * context (cipher lists, CA store, key) costs more CPU than the handshake itself when hundreds of
 * endpoints are probed at once.
 */
const contexts = new Map<string, SecureContext>();

function secureContextFor(o: TlsProbeOptions, presentsCert: boolean): SecureContext {
  const pem = (v: string | Buffer | undefined) => (v === undefined ? '' : v.toString());
  const key = [o.minVersion ?? '', o.maxVersion ?? '', o.ciphers ?? '', pem(o.ca), presentsCert ? pem(o.cert) : '', presentsCert ? pem(o.key) : ''].join('\0');
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = createSecureContext({
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
      ...(presentsCert ? { cert: o.cert, key: o.key } : {}),
      ...(o.minVersion ? { minVersion: o.minVersion } : {}),
      ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
      ...(o.ciphers ? { ciphers: o.ciphers } : {}),
    });
    contexts.set(key, ctx);
  }
  return ctx;
}

export function probeTls(o: TlsProbeOptions): Promise<TlsProbeResult> {
  const started = Date.now();
  const presentsCert = o.cert !== undefined && o.key !== undefined;
  let context: SecureContext;
  try {
    context = secureContextFor(o, presentsCert);
  } catch (e) {
    // OpenSSL refused the options themselves (e.g. a cipher string this build does not know)
    const c = classifyError(e);
    return Promise.resolve({ chain: [], reach: 'error', handshake: 'local', error: `${c.code}: ${c.message}`, serverBytes: 0, elapsedMs: Date.now() - started });
  }
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    let tls: TLSSocket | undefined;
    const reader = serverFlightReader();
    const partial: Omit<TlsProbeResult, 'reach' | 'handshake' | 'elapsedMs' | 'serverBytes'> = { chain: [] };
    const finish = (reach: Reach, handshake: HandshakeOutcome, extra: Partial<TlsProbeResult> = {}): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      tls?.destroy();
      tcp.destroy();
      resolve({ ...partial, ...flightFacts(reader.flight, partial.protocol), ...extra, reach, handshake, serverBytes: reader.flight.bytes, elapsedMs: Date.now() - started });
    };
    const fail = (e: unknown): void => {
      const c = classifyError(e);
      const error = `${c.code}: ${c.message}`;
      if (!connected) return finish(c.reach, 'none', { error });
      if (LOCAL_ERRORS.has(c.code)) return finish('open', 'local', { error });
      if (reader.flight.notTls) return finish('open', 'not-tls', { error });
      if (partial.protocol) {
        // handshake had completed: the server refused afterwards (TLS 1.3 client-certificate check)
        const required = !presentsCert && CLIENT_CERT_ALERTS.test(c.code + c.message);
        return finish('open', 'ok', { error, clientCertificateRequired: required || undefined });
      }
      // handshake_failure also means "no common cipher": count it only after a CertificateRequest was seen
      const alerts = `${c.code} ${reader.flight.alert ?? ''}`;
      const required = !presentsCert && (reader.flight.certificateRequest ? CLIENT_CERT_ALERTS.test(alerts) : CERT_ONLY_ALERTS.test(alerts));
      finish('open', 'refused', { error, ...(required ? { clientCertificateRequired: true } : {}) });
    };
    const timer = setTimeout(() => {
      if (!connected) return finish('filtered', 'none', { error: `PROBE_TIMEOUT: no TCP answer within ${o.timeoutMs} ms` });
      if (partial.protocol) return finish('open', 'ok', { clientCertificateRequired: undefined });
      if (reader.flight.notTls) return finish('open', 'not-tls');
      const t = timeoutError(o.timeoutMs, 'TLS handshake');
      finish('open', 'silent', { error: `${t.code}: ${t.message}` });
    }, o.timeoutMs);

    const tcp: Socket = tcpConnect({ host: o.host, port: o.port });
    tcp.once('error', fail);
    tcp.once('connect', () => {
      connected = true;
      const wire = tap(tcp, (chunk) => reader.feed(chunk));
      tls = tlsConnect({
        socket: wire,
        // the name Node checks the certificate against (without it: "localhost")
        host: o.host,
        servername: o.servername ?? (isIP(o.host) ? undefined : o.host),
        rejectUnauthorized: false,
        secureContext: context,
      });
      tls.once('error', fail);
      tls.once('close', () => {
        if (partial.protocol) finish('open', 'ok');
        else if (reader.flight.notTls) finish('open', 'not-tls');
        else finish('open', 'refused', { error: 'server closed the connection during the handshake' });
      });
      tls.once('secureConnect', () => {
        const s = tls!;
        partial.protocol = s.getProtocol() ?? undefined;
        partial.cipher = s.getCipher()?.standardName;
        if (o.readChain !== false) partial.chain = chainOf(s.getPeerCertificate(true));
        if (o.ca !== undefined) {
          partial.verified = s.authorized;
          if (!s.authorized && s.authorizationError) partial.verifyError = String(s.authorizationError);
        }
        if (partial.protocol === 'TLSv1.3' && !presentsCert && o.confirmClientAuth) {
          s.once('data', () => finish('open', 'ok', { clientCertificateRequired: false }));
          s.once('end', () => finish('open', 'ok'));
          s.write(`HEAD / HTTP/1.1\r\nHost: ${o.host}\r\nConnection: close\r\n\r\n`);
          return;
        }
        finish('open', 'ok');
      });
    });
  });
}

/** What the plaintext part of the server's flight says about client certificates. */
function flightFacts(f: ServerFlight, protocol: string | undefined): Partial<TlsProbeResult> {
  const out: Partial<TlsProbeResult> = {};
  if (f.alert) out.alert = f.alert;
  if (f.greeting) out.greeting = f.greeting;
  // the CertificateRequest is readable only in a TLS ≤ 1.2 flight (before ChangeCipherSpec)
  if (f.certificateRequest) out.certificateRequested = true;
  else if (protocol !== undefined && protocol !== 'TLSv1.3') out.certificateRequested = false;
  return out;
}

/**
 * A Duplex over the TCP socket that lets us see the server's bytes before node:tls decrypts them
 * (a TLSSocket takes over a net.Socket's handle, so listening on the socket itself sees nothing).
 */
function tap(sock: Socket, onRead: (chunk: Buffer) => void): Duplex {
  const wire = new Duplex({
    read() {
      sock.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      sock.write(chunk, cb);
    },
    final(cb) {
      sock.end();
      cb();
    },
    destroy(err, cb) {
      sock.destroy();
      cb(err);
    },
  });
  sock.on('data', (chunk: Buffer) => {
    onRead(chunk);
    if (!wire.push(chunk)) sock.pause();
  });
  sock.on('end', () => wire.push(null));
  sock.on('error', (e) => wire.destroy(e));
  return wire;
}

function nameOf(n: Record<string, string | string[]> | undefined): string {
  if (!n) return '';
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function iso(d: string): string {
  const t = Date.parse(d);
  return Number.isNaN(t) ? d : new Date(t).toISOString();
}

/** The peer chain, leaf first (node:tls links issuers; a self-signed root points to itself). */
function chainOf(leaf: DetailedPeerCertificate): CertSummary[] {
  const out: CertSummary[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    const subject = nameOf(c.subject as unknown as Record<string, string | string[]>);
    const issuer = nameOf(c.issuer as unknown as Record<string, string | string[]>);
    out.push({
      subject,
      issuer,
      sans: (c.subjectaltname ?? '')
        .split(', ')
        .filter((s) => s.length > 0)
        .map((s) => s.replace(/^IP Address:/, 'IP:')),
      notBefore: iso(c.valid_from),
      notAfter: iso(c.valid_to),
      fingerprint256: c.fingerprint256.replace(/:/g, '').toLowerCase(),
      selfSigned: subject === issuer,
    });
    c = c.issuerCertificate;
  }
  return out;
}

export const TLS_VERSIONS: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export type VersionOutcome = 'accepted' | 'refused' | 'not-offered-locally' | 'unreachable';

/**
 * Which protocol versions the server accepts, one handshake per version with min = max = that
 * version. `DEFAULT@SECLEVEL=0` lets this machine's OpenSSL offer TLS 1.0/1.1 at all (OpenSSL 3
 * refuses them at its default level 1); when it still cannot, the version is "not-offered-locally".
 * `known`: a version a previous handshake already negotiated (accepted without asking again).
 */
export async function probeTlsVersions(o: Omit<TlsProbeOptions, 'minVersion' | 'maxVersion' | 'ciphers'>, known?: string): Promise<Record<SecureVersion, VersionOutcome>> {
  const entries = await Promise.all(
    TLS_VERSIONS.map(async (v): Promise<[SecureVersion, VersionOutcome]> => {
      if (v === known) return [v, 'accepted'];
      const r = await probeTls({ ...o, minVersion: v, maxVersion: v, ciphers: 'DEFAULT@SECLEVEL=0', confirmClientAuth: false, readChain: false });
      // a server that sent its CertificateRequest had already agreed to the version
      if (r.handshake === 'ok' || r.certificateRequested) return [v, 'accepted'];
      if (r.handshake === 'local') return [v, 'not-offered-locally'];
      if (r.handshake === 'none' || r.handshake === 'silent') return [v, 'unreachable'];
      return [v, 'refused'];
    }),
  );
  return Object.fromEntries(entries) as Record<SecureVersion, VersionOutcome>;
}
