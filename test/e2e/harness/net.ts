/** Loopback networking for the harness: free ports and a small HTTPS client with client-cert auth. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';

/** A port the kernel says is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export interface TlsIdentity {
  caFile: string;
  certFile?: string;
  keyFile?: string;
  token?: string;
}

export interface HttpsResponse {
  status: number;
  body: string;
}

export function httpsRequest(url: string, id: TlsIdentity, o: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (id.token) headers.authorization = `Bearer ${id.token}`;
    const req = request(
      url,
      {
        method: o.method ?? 'GET',
        ca: readFileSync(id.caFile),
        ...(id.certFile && id.keyFile ? { cert: readFileSync(id.certFile), key: readFileSync(id.keyFile) } : {}),
        headers,
        timeout: o.timeoutMs ?? 5_000,
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}
