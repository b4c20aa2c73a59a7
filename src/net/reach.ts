/**
 * How a connection attempt ended, as a probe result: a closed or filtered port is an answer, not an
 * error. Node's socket error codes mapped to what they mean on the wire.
 */
export type Reach = 'open' | 'closed' | 'filtered' | 'unreachable' | 'reset' | 'error';

/** An Error from node:net / node:tls / node:http, as a reach and a one-line reason. */
export function classifyError(e: unknown): { reach: Reach; code: string; message: string } {
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? 'ERROR';
  const message = shortMessage(err.message ?? String(e));
  switch (code) {
    case 'ECONNREFUSED':
      return { reach: 'closed', code, message: 'connection refused (port closed)' };
    case 'ETIMEDOUT':
    case 'PROBE_TIMEOUT':
      return { reach: 'filtered', code, message };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return { reach: 'unreachable', code, message };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reach: 'reset', code, message: 'connection reset by peer' };
    default:
      return { reach: 'error', code, message };
  }
}

/** The error a probe raises when its time is up (kept distinct from the kernel's ETIMEDOUT). */
export function timeoutError(ms: number, what: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`no answer within ${ms} ms (${what})`);
  e.code = 'PROBE_TIMEOUT';
  return e;
}

/** "host:port" with IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** OpenSSL's "80DC...:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../ssl/rec_layer_s3.c:1601:..." → "sslv3 alert bad certificate". */
function shortMessage(m: string): string {
  const openssl = /:error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(m);
  return (openssl ? openssl[1]! : m).split('\n')[0]!.trim();
}
