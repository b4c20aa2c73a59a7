/**
 * The "rewrite every object" step (checks.md §D.6): list a resource through the API server page by
 * page and PUT every object back unchanged. The etcd3 store writes an unchanged object only when its
 * stored value was stale (storage/etcd3/store.go GuaranteedUpdate), so this re-encrypts exactly what
 * is not on the first provider/key, and repeating it is cheap. A 409 (someone changed the object in
 * between) is answered by reading it again and retrying; a 404 means it was deleted meanwhile.
 *
 * Requests are plain HTTPS with the options @kubernetes/client-node's KubeConfig computes (CA,
 * client certificate, token, exec credentials).
 */
import { Agent, request, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { InputError } from '../cli/errors.js';
import { parseResourceName } from './resources.js';

export interface ApiClient {
  server: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): void;
}

export async function apiClient(kubeconfig: string | undefined, context?: string): Promise<ApiClient> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const what = kubeconfig ?? 'the default kubeconfig';
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
    if (context) kc.setCurrentContext(context);
  } catch (e) {
    throw new InputError(`${what}: ${(e as Error).message}`);
  }
  const server = kc.getCurrentCluster()?.server?.replace(/\/+$/, '');
  if (!server) throw new InputError(`${what}: no cluster server in the current context`);
  const opts: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (e) {
    throw new InputError(`${what}: credentials for ${server} could not be loaded: ${(e as Error).message}`);
  }
  const plain = server.startsWith('http:');
  const agent = plain ? undefined : new Agent({ ca: opts.ca, cert: opts.cert, key: opts.key, keepAlive: true, maxSockets: 8, ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }) });
  const call = (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers = { ...(opts.headers ?? {}), accept: 'application/json', ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) };
      const req = (plain ? httpRequest : request)(`${server}${path}`, { method, headers, ...(agent ? { agent } : {}), timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // /readyz answers "ok", not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new InputError(`API server ${server}: ${e.code ?? e.message}`)));
      req.end(data);
    });
  return { server, call, close: () => agent?.destroy() };
}

interface ObjectMeta {
  name?: string;
  namespace?: string;
}
interface ListBody {
  apiVersion?: string;
  kind?: string;
  items?: { metadata?: ObjectMeta }[];
  metadata?: { continue?: string };
}

/** "/api/v1" or "/apis/<group>/<preferred version>" for a resource name as EncryptionConfiguration spells it. */
async function basePath(api: ApiClient, name: string): Promise<string> {
  const { group } = parseResourceName(name);
  if (!group) return '/api/v1';
  const r = await api.call('GET', `/apis/${group}`);
  const gv = (r.body as { preferredVersion?: { groupVersion?: string } }).preferredVersion?.groupVersion;
  if (r.status !== 200 || !gv) throw new InputError(`API server ${api.server}: no API group ${group} (HTTP ${r.status})`);
  return `/apis/${gv}`;
}

export interface RewriteProgress {
  /** "namespace/name" (or "name") of the last object of the last finished page; resume after it */
  after?: string;
  rewritten: number;
  conflicts: number;
}

function idOf(m: ObjectMeta | undefined): string {
  return m?.namespace ? `${m.namespace}/${m.name ?? ''}` : (m?.name ?? '');
}

function httpError(api: ApiClient, what: string, r: { status: number; body: unknown }): Error {
  const msg = (r.body as { message?: string } | undefined)?.message ?? '';
  return new InputError(`API server ${api.server}: ${what}: HTTP ${r.status}${msg ? ` ${msg}` : ''}`);
}

/**
 * Rewrites every object of `resource`, resuming after `progress.after`. `onPage` runs after each page
 * with the progress so far (the caller persists it).
 */
export async function rewriteResource(api: ApiClient, resource: string, progress: RewriteProgress, onPage: (p: RewriteProgress) => void | Promise<void>, o: { pageSize?: number; concurrency?: number } = {}): Promise<RewriteProgress> {
  const base = await basePath(api, resource);
  const { resource: plural } = parseResourceName(resource);
  let cont: string | undefined;
  do {
    const q = new URLSearchParams({ limit: String(o.pageSize ?? 250) });
    if (cont) q.set('continue', cont);
    const r = await api.call('GET', `${base}/${plural}?${q}`);
    if (r.status !== 200) throw httpError(api, `listing ${resource}`, r);
    const list = r.body as ListBody;
    const kind = list.kind?.replace(/List$/, '');
    const todo = (list.items ?? []).filter((item) => progress.after === undefined || idOf(item.metadata) > progress.after);
    const objectPath = (m: ObjectMeta | undefined): string => `${base}${m?.namespace ? `/namespaces/${encodeURIComponent(m.namespace)}` : ''}/${plural}/${encodeURIComponent(m?.name ?? '')}`;
    const replace = async (item: { metadata?: ObjectMeta }): Promise<void> => {
      let body: unknown = { ...item, apiVersion: list.apiVersion, kind };
      for (let attempt = 0; ; attempt++) {
        const put = await api.call('PUT', objectPath(item.metadata), body);
        if (put.status === 200 || put.status === 201 || put.status === 404) return;
        if (put.status !== 409 || attempt >= 10) throw httpError(api, `replacing ${resource} ${idOf(item.metadata)}`, put);
        progress.conflicts++;
        const fresh = await api.call('GET', objectPath(item.metadata));
        if (fresh.status === 404) return;
        if (fresh.status !== 200) throw httpError(api, `reading ${resource} ${idOf(item.metadata)}`, fresh);
        body = fresh.body;
      }
    };
    const width = o.concurrency ?? 8;
    for (let i = 0; i < todo.length; i += width) await Promise.all(todo.slice(i, i + width).map(replace));
    progress.rewritten += todo.length;
    const last = list.items?.[list.items.length - 1];
    if (last && (progress.after === undefined || idOf(last.metadata) > progress.after)) progress.after = idOf(last.metadata);
    await onPage(progress);
    cont = list.metadata?.continue || undefined;
  } while (cont);
  return progress;
}

/** Polls /readyz until it answers 200 or `timeoutMs` passes. */
export async function waitReady(api: ApiClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const r = await api.call('GET', '/readyz');
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new InputError(`API server ${api.server} not ready after ${timeoutMs / 1000} s: ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
