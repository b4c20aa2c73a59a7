/** HTTPS calls to `audit serve` as the API server's webhook backend makes them, shared by the serve and store tests. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { scanEventList } from '../../src/audit/event-list.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import type { EventBatch } from '../../src/audit/store.js';
import type { CertFiles } from '../helpers/openssl-pki.js';

export interface Reply {
  status: number;
  body: string;
  retryAfter?: string;
}

/** One request on its own connection, trusting `ca`, presenting `id` (or no certificate), with an optional bearer token. */
export function call(port: number, o: { ca: CertFiles; id: CertFiles | null; method?: 'GET' | 'POST'; path?: string; body?: string; token?: string }): Promise<Reply> {
  const body = o.body ?? '';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: o.path ?? '/',
        method: o.method ?? 'POST',
        ca: readFileSync(o.ca.cert),
        ...(o.id ? { cert: readFileSync(o.id.cert), key: readFileSync(o.id.key) } : {}),
        headers: { ...(o.method === 'GET' ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) }));
      },
    );
    req.on('error', reject);
    req.end(o.method === 'GET' ? undefined : body);
  });
}

export function eventList(items: AuditEvent[]): string {
  return JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });
}

/** The store's input for these events, as audit serve makes it from the request body. */
export function eventBatch(items: AuditEvent[]): EventBatch {
  const body = Buffer.from(eventList(items));
  const events = scanEventList(body);
  if (!events) throw new Error('not an EventList');
  return { body, events };
}

export function batches(events: AuditEvent[], size: number): AuditEvent[][] {
  const out: AuditEvent[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}

/** Polls /healthz until `ready` holds for what it reports (batches in flight and counters). */
export async function waitForHealth(port: number, ca: CertFiles, id: CertFiles, ready: (h: { inFlight: number }) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const h = await call(port, { ca, id, method: 'GET', path: '/healthz' });
    if (ready(JSON.parse(h.body) as { inFlight: number })) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('audit serve never reached the expected state');
}
