/**
 * `audit serve`: the API server's audit webhook backend (--audit-webhook-config-file points here).
 * HTTPS only. Callers prove who they are with a client certificate from the configured CA (checked in
 * the TLS handshake) or, when a token file is given, a bearer token. Each POSTed EventList is read in one
 * pass over its bytes (event-list.ts scanEventList: validated as JSON, each event's place and indexed
 * fields found; the store keeps each event's bytes as sent) and written durably (store.write resolves
 * after the commit of the group transaction holding it) before the 200; the store runs detection on the
 * new events in the same transaction. When too many batches wait for the store, the answer is 429, when
 * the store fails 503, both with Retry-After, which the API server's webhook backend retries: nothing is
 * dropped silently. A body that is not an EventList in valid UTF-8 JSON is 400, and nothing of it is stored.
 */
import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import { scanEventList } from './event-list.js';
import type { AuditStore, Retention } from './store.js';

export interface ServeOptions {
  host: string;
  port: number;
  tls: { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };
  /** accepted bearer token (instead of, or besides, a client certificate) */
  token?: string;
  /** where events go; it runs the detections (openStore's DetectOptions) */
  store: AuditStore;
  retention?: Retention;
  /** batches accepted but not yet committed before answering 429 (default 64) */
  maxInFlight?: number;
  /** bytes of such batches before answering 429 (default 256 MiB); a batch alone is always accepted */
  maxInFlightBytes?: number;
  /** how often retention runs (default 60 s) */
  retentionIntervalMs?: number;
  log?: (line: string) => void;
}

export interface AuditServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
  stats: { batches: number; inserted: number; duplicates: number; alerts: number; rejected: number };
}

/** The largest EventList the API server sends: 400 events (--audit-webhook-batch-max-size) at RequestResponse level. */
const BODY_LIMIT = 64 * 1024 * 1024;

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m?.[1]) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startAuditServer(o: ServeOptions): Promise<AuditServer> {
  if (!o.tls.clientCa && !o.token) throw new Error('no way to authenticate callers: give a client CA, a token file, or both');
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    https: {
      cert: o.tls.cert,
      key: o.tls.key,
      ...(o.tls.clientCa ? { ca: o.tls.clientCa, requestCert: true } : {}),
      // With a token as the alternative, a certificate is optional but still verified when sent.
      rejectUnauthorized: Boolean(o.tls.clientCa) && !o.token,
      minVersion: 'TLSv1.2',
    },
  });
  const stats = { batches: 0, inserted: 0, duplicates: 0, alerts: 0, rejected: 0 };
  // Room for a stall of the store (an fsync or a checkpoint of 100-200 ms under load) at the rate of
  // several API servers before the 429s start, and a bound on the memory the waiting bodies hold.
  const maxInFlight = o.maxInFlight ?? 64;
  const maxInFlightBytes = o.maxInFlightBytes ?? 256 * 1024 * 1024;
  let inFlight = 0;
  let inFlightBytes = 0;
  // The body as bytes: scanEventList reads it in one pass and the store keeps each event's bytes.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok', inFlight, inFlightBytes, ...stats }));

  const accept = async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    const socket = req.raw.socket as TLSSocket;
    const byCert = o.tls.clientCa !== undefined && socket.authorized;
    if (!byCert && !(o.token !== undefined && tokenMatches(req.headers.authorization, o.token))) {
      return reply.code(401).send({ kind: 'Status', status: 'Failure', code: 401, reason: 'Unauthorized', message: 'a client certificate from the configured CA or a valid bearer token is required' });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : undefined;
    const events = body ? scanEventList(body) : undefined;
    if (!body || !events) return reply.code(400).send({ kind: 'Status', status: 'Failure', code: 400, message: 'expected an audit.k8s.io EventList with items' });
    if (inFlight >= maxInFlight || (inFlight > 0 && inFlightBytes + body.length > maxInFlightBytes)) {
      stats.rejected++;
      return reply.code(429).header('Retry-After', '1').send({ kind: 'Status', status: 'Failure', code: 429, reason: 'TooManyRequests', message: 'the store is behind; retry' });
    }
    // (the store may take over the body's memory: its length is read now)
    const bytes = body.length;
    inFlight++;
    inFlightBytes += bytes;
    try {
      const r = await o.store.write({ body, events });
      stats.batches++;
      stats.inserted += r.inserted;
      stats.duplicates += r.duplicates;
      stats.alerts += r.alerts;
      return reply.code(200).send({ inserted: r.inserted, duplicates: r.duplicates, alerts: r.alerts });
    } catch (e) {
      stats.rejected++;
      log(`kubeward audit serve: store write failed, answering 503: ${(e as Error).message}`);
      return reply.code(503).header('Retry-After', '2').send({ kind: 'Status', status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: 'the store could not write the batch; retry' });
    } finally {
      inFlight--;
      inFlightBytes -= bytes;
    }
  };
  app.post('/', accept);
  app.post('/events', accept);

  let timer: NodeJS.Timeout | undefined;
  const retention = o.retention;
  if (retention && (retention.maxAgeDays !== undefined || retention.maxMb !== undefined)) {
    const prune = () => {
      o.store.prune(retention).then(
        (n) => n > 0 && log(`kubeward audit serve: retention removed ${n} event(s)`),
        (e: unknown) => log(`kubeward audit serve: retention failed: ${(e as Error).message}`),
      );
    };
    prune();
    timer = setInterval(prune, o.retentionIntervalMs ?? 60_000);
    timer.unref();
  }

  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    app,
    url: `https://${host}:${port}`,
    stats,
    async close() {
      if (timer) clearInterval(timer);
      await app.close();
    },
  };
}
