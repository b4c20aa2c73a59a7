/**
 * One HTTP(S) request as a probe: the status the server gave (or why none came), with the body kept
 * only for the caller to parse (callers must not put bodies into evidence: they can hold secrets).
 * The server certificate is never used to refuse the request (we observe, we do not trust).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { classifyError, timeoutError, type Reach } from './reach.js';
import type { TlsCredentials } from './tls.js';

export interface HttpProbeOptions extends TlsCredentials {
  tls: boolean;
  host: string;
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** bytes of body to keep (default 64 KiB) */
  maxBody?: number;
}

export interface HttpProbeResult {
  reach: Reach;
  status?: number;
  headers?: IncomingHttpHeaders;
  /** the start of the body, for parsing; never evidence */
  body?: string;
  /** TLS: whether the server chain verified against the given CA */
  verified?: boolean;
  error?: string;
  elapsedMs: number;
}

export function probeHttp(o: HttpProbeOptions): Promise<HttpProbeResult> {
  const started = Date.now();
  const maxBody = o.maxBody ?? 65_536;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<HttpProbeResult, 'elapsedMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...r, elapsedMs: Date.now() - started });
    };
    let connected = false;
    const options = {
      host: o.host,
      port: o.port,
      path: o.path,
      method: o.method ?? 'GET',
      headers: { Accept: 'application/json, */*', Connection: 'close', ...(o.headers ?? {}) },
      agent: false as const,
    };
    const req = o.tls
      ? httpsRequest({
          ...options,
          rejectUnauthorized: false,
          servername: isIP(o.host) ? '' : o.host,
          ...(o.ca !== undefined ? { ca: o.ca } : {}),
          ...(o.cert !== undefined && o.key !== undefined ? { cert: o.cert, key: o.key } : {}),
        })
      : httpRequest(options);
    const timer = setTimeout(() => {
      const t = timeoutError(o.timeoutMs, `${o.path}`);
      finish({ reach: connected ? 'open' : 'filtered', error: `${t.code}: ${t.message}` });
    }, o.timeoutMs);
    req.on('socket', (s) => s.once(o.tls ? 'secureConnect' : 'connect', () => (connected = true)).once('connect', () => (connected = true)));
    req.on('error', (e) => {
      const c = classifyError(e);
      finish({ reach: connected ? 'open' : c.reach, error: `${c.code}: ${c.message}` });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const sock = res.socket as TLSSocket;
      const verified = o.tls && o.ca !== undefined ? sock.authorized : undefined;
      const done = (): void =>
        finish({ reach: 'open', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ...(verified !== undefined ? { verified } : {}) });
      res.on('data', (c: Buffer) => {
        if (size < maxBody) chunks.push(c.subarray(0, maxBody - size));
        size += c.length;
        if (size >= maxBody) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(o.body);
  });
}
