/**
 * The live source: a running cluster read through its API server. Control-plane components come
 * from their mirror pods (the static-pod specs with every flag), kubelets from
 * nodes/<name>/proxy/configz, and cluster-wide facts from the API (RBAC, webhooks, APIServices, CSRs,
 * bootstrap tokens, Nodes, /version). Every list is paginated (limit/continue).
 *
 * @kubernetes/client-node's KubeConfig loads the kubeconfig (files, embedded data, contexts, exec and
 * token-file credentials, in-cluster service account); the requests themselves are plain HTTPS GETs
 * with the options it computes, because the model wants the raw JSON objects (RbacObject) and the
 * typed clients would deserialize thousands of them into classes only to be turned back.
 *
 * What cannot be read degrades the scan instead of failing it: a 403 on one resource or an
 * unreachable kubelet becomes a `partial` entry (the kubelet also a problem, so it is reported as
 * unknown, never as a pass). What makes the whole read meaningless — no kubeconfig, an unreachable
 * server, a certificate the other side refuses, rejected credentials — throws one InputError naming
 * the endpoint and the cause.
 */
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../cli/errors.js';
import type { ClusterFacts, ClusterNodeFacts, ControlPlane, Host, RbacObject } from '../model/control-plane.js';
import { parseVersion } from '../model/version.js';
import {
  apiServiceFacts,
  bootstrapTokenFacts,
  componentsOfPod,
  csrFacts,
  hostOf,
  isControlPlanePod,
  kubeletFromConfigz,
  managedOffering,
  nodeFacts,
  rbacObject,
  webhookFacts,
  type ApiObject,
} from './live-facts.js';
import { asString, isRecord } from './yaml-doc.js';

export interface LiveOptions {
  /** a kubeconfig file; default: $KUBECONFIG or ~/.kube/config, then the in-cluster service account */
  kubeconfig?: string;
  context?: string;
  /** use the pod's service account (KUBERNETES_SERVICE_HOST, /var/run/secrets/kubernetes.io/serviceaccount) */
  inCluster?: boolean;
  /** per request; default 15 s */
  timeoutMs?: number;
  /** kubelet configz through the API server proxy; default 5 s (an absent kubelet should not stall the scan) */
  kubeletTimeoutMs?: number;
  /** items per list page; default 500 */
  pageSize?: number;
}

type Reply = { ok: true; status: number; body: unknown } | { ok: false; cause: string };

interface Api {
  server: string;
  get(path: string, timeoutMs?: number): Promise<Reply>;
  close(): void;
}

/** Node's TLS and socket error codes in words a user can act on. */
function causeOf(e: NodeJS.ErrnoException, timeoutMs: number): string {
  const code = e.code ?? '';
  const untrusted = ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE'];
  if (code === 'ETIMEDOUT' || e.message === 'kubeward-timeout') return `no answer within ${timeoutMs / 1000} s (timeout)`;
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listens there)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name does not resolve';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset by the server';
  if (untrusted.includes(code)) return `the server's certificate is not signed by the CA the kubeconfig trusts (${code}): wrong certificate-authority?`;
  if (code === 'CERT_HAS_EXPIRED') return "the server's certificate has expired (CERT_HAS_EXPIRED)";
  if (code === 'CERT_NOT_YET_VALID') return "the server's certificate is not valid yet (CERT_NOT_YET_VALID)";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the server's certificate does not name this host (${e.message})`;
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_EXPIRED|UNKNOWN_CA|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN)/.test(code)) {
    return `the server rejected the client certificate (${code}): expired, or not signed by a CA it trusts`;
  }
  if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' || /key values mismatch/.test(e.message)) return 'the client key does not match the client certificate';
  return code ? `${e.message} (${code})` : e.message;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Loads the kubeconfig and prepares HTTPS options (CA, client cert, token) for every request. */
async function connect(opts: LiveOptions): Promise<Api> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const what = opts.inCluster ? 'in-cluster service account' : opts.kubeconfig !== undefined ? `kubeconfig ${opts.kubeconfig}` : 'default kubeconfig';
  try {
    if (opts.inCluster) {
      if (!process.env.KUBERNETES_SERVICE_HOST) throw new Error('not running in a pod (KUBERNETES_SERVICE_HOST is unset)');
      kc.loadFromCluster();
    } else if (opts.kubeconfig !== undefined) {
      kc.loadFromFile(opts.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
  } catch (e) {
    throw new InputError(`${what}: ${message(e)}`);
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) throw new InputError(`${what}: no context named "${opts.context}"`);
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new InputError(`${what}: no cluster server for context "${kc.getCurrentContext()}"`);
  const server = cluster.server.replace(/\/+$/, '');
  const base: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(base);
  } catch (e) {
    throw new InputError(`${what}: credentials for ${server} could not be loaded: ${message(e)}`);
  }
  const plain = server.startsWith('http:');
  // keep-alive: the scan makes dozens of requests to one server. A proxy agent from KubeConfig is kept as is.
  const agent: HttpAgent | HttpsAgent | undefined = cluster.proxyUrl
    ? (base.agent as HttpsAgent | undefined)
    : plain
      ? undefined
      : new HttpsAgent({
          ca: base.ca,
          cert: base.cert,
          key: base.key,
          ...(base.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: base.rejectUnauthorized }),
          ...(base.servername === undefined ? {} : { servername: base.servername }),
          keepAlive: true,
          maxSockets: 8,
        });
  const headers = { ...(base.headers ?? {}), accept: 'application/json' };
  const defaultTimeout = opts.timeoutMs ?? 15_000;

  const get = (path: string, timeoutMs = defaultTimeout): Promise<Reply> =>
    new Promise((resolve) => {
      const send = plain ? httpRequest : httpsRequest;
      const req = send(`${server}${path}`, { method: 'GET', headers, ...(agent ? { agent } : {}), ...(base.auth ? { auth: base.auth } : {}) }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', (e) => resolve({ ok: false, cause: causeOf(e, timeoutMs) }));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (a proxy error page, a plain-text 503): keep the text
          }
          resolve({ ok: true, status: res.statusCode ?? 0, body });
        });
      });
      const timer = setTimeout(() => req.destroy(new Error('kubeward-timeout')), timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ ok: false, cause: causeOf(e, timeoutMs) });
      });
      req.end();
    });

  return { server, get, close: () => (agent as HttpsAgent | undefined)?.destroy() };
}

/** The API's own words for a failed request ("nodes is forbidden: User ... cannot list ..."). */
function statusText(r: Extract<Reply, { ok: true }>): string {
  const msg = isRecord(r.body) ? asString(r.body.message) : typeof r.body === 'string' ? r.body.trim().slice(0, 200) : undefined;
  return `HTTP ${r.status}${msg ? `: ${msg}` : ''}`;
}

interface Reader {
  api: Api;
  cp: ControlPlane;
  pageSize: number;
}

/** What a failed read means for the scan: forbidden or failed resources make it partial. */
function couldNotRead(rd: Reader, what: string, r: Reply): void {
  const why = r.ok ? (r.status === 403 ? `forbidden (${statusText(r)})` : statusText(r)) : r.cause;
  rd.cp.partial.push(`${what} could not be read: ${why}`);
}

/**
 * Every item of a list, page by page (limit/continue). The first path the server knows is used
 * (newer group versions first). `undefined` when it could not be read (recorded as partial); an
 * empty list when the server serves none of the paths.
 */
async function listAll(rd: Reader, what: string, paths: readonly string[], query = ''): Promise<ApiObject[] | undefined> {
  for (const path of paths) {
    const items: ApiObject[] = [];
    let cont: string | undefined;
    let served = true;
    do {
      const q = new URLSearchParams(query);
      q.set('limit', String(rd.pageSize));
      if (cont) q.set('continue', cont);
      const r = await rd.api.get(`${path}?${q.toString()}`);
      if (r.ok && r.status === 404 && items.length === 0) {
        served = false;
        break;
      }
      if (!r.ok || r.status !== 200 || !isRecord(r.body)) {
        couldNotRead(rd, what, r);
        return undefined;
      }
      for (const item of Array.isArray(r.body.items) ? r.body.items : []) if (isRecord(item)) items.push(item);
      cont = isRecord(r.body.metadata) ? asString(r.body.metadata.continue) : undefined;
    } while (cont);
    if (served) return items;
  }
  return [];
}

/** /version decides whether the server is there at all: its failure is the one error of the scan. */
async function readVersion(rd: Reader): Promise<string | undefined> {
  const r = await rd.api.get('/version');
  if (!r.ok) throw new InputError(`API server ${rd.api.server}: ${r.cause}`);
  if (r.status === 401) {
    throw new InputError(`API server ${rd.api.server}: credentials rejected (${statusText(r)}): the client certificate is expired or not signed by the server's client CA, or the token is invalid`);
  }
  if (r.status !== 200 || !isRecord(r.body)) {
    couldNotRead(rd, '/version', r);
    return undefined;
  }
  return asString(r.body.gitVersion);
}

async function readKubeadmConfig(rd: Reader, cluster: ClusterFacts): Promise<void> {
  const object = 'kube-system/ConfigMap/kubeadm-config';
  const r = await rd.api.get('/api/v1/namespaces/kube-system/configmaps/kubeadm-config');
  if (r.ok && r.status === 404) return;
  if (!r.ok || r.status !== 200 || !isRecord(r.body)) {
    couldNotRead(rd, object, r);
    return;
  }
  const text = isRecord(r.body.data) ? asString(r.body.data.ClusterConfiguration) : undefined;
  if (text === undefined) return;
  try {
    const document: unknown = parseYaml(text);
    cluster.kubeadmClusterConfiguration = { document, object };
    const v = isRecord(document) ? asString(document.kubernetesVersion) : undefined;
    if (v) rd.cp.version ??= parseVersion(v, `${object} kubernetesVersion`);
  } catch (e) {
    rd.cp.problems.push({ host: 'cluster', object, message: `${object}: ClusterConfiguration is not valid YAML: ${message(e)}` });
  }
}

/** The kubelet's effective configuration, through the API server's node proxy. Unreachable: unknown, never a pass. */
async function readKubelet(rd: Reader, host: Host, node: ClusterNodeFacts, timeoutMs: number): Promise<void> {
  const object = `Node/${node.name}/proxy/configz`;
  const r = await rd.api.get(`/api/v1/nodes/${encodeURIComponent(node.name)}/proxy/configz`, timeoutMs);
  if (r.ok && r.status === 200 && isRecord(r.body)) {
    host.components.push(kubeletFromConfigz(node.name, r.body, node.kubeletVersion));
    return;
  }
  const why = r.ok ? statusText(r) : r.cause;
  rd.cp.partial.push(`kubelet on ${node.name}: configz could not be read (${why})`);
  rd.cp.problems.push({
    host: node.name,
    component: 'kubelet',
    object,
    message: `kubelet configuration of node ${node.name} could not be read through ${object} (${why}): its settings are unknown`,
  });
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function eachLimited<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const ADMISSION = ['/apis/admissionregistration.k8s.io/v1', '/apis/admissionregistration.k8s.io/v1beta1'];

/** Reads a running cluster into the model (see the file comment). Throws InputError when the server cannot be used at all. */
export async function readLiveCluster(opts: LiveOptions = {}): Promise<ControlPlane> {
  const api = await connect(opts);
  const cp: ControlPlane = { hosts: [], problems: [], partial: [] };
  const rd: Reader = { api, cp, pageSize: opts.pageSize ?? 500 };
  const cluster: ClusterFacts = { server: api.server, webhooks: [], apiServices: [], nodes: [], csrs: [], bootstrapTokens: [] };
  try {
    const gitVersion = await readVersion(rd);
    if (gitVersion) cp.version = parseVersion(gitVersion, '/version');

    const rbacKinds = [
      ['ClusterRole', 'clusterroles'],
      ['ClusterRoleBinding', 'clusterrolebindings'],
      ['Role', 'roles'],
      ['RoleBinding', 'rolebindings'],
    ] as const;
    const [nodes, pods, rbacLists, validating, mutating, apiServices, csrs, tokens] = await Promise.all([
      listAll(rd, 'Nodes', ['/api/v1/nodes']),
      listAll(rd, 'Pods in kube-system', ['/api/v1/namespaces/kube-system/pods']),
      Promise.all(rbacKinds.map(([kind, plural]) => listAll(rd, `${kind}s`, [`${RBAC}/${plural}`]).then((items) => items?.map((o) => rbacObject(kind, o))))),
      listAll(rd, 'ValidatingWebhookConfigurations', ADMISSION.map((p) => `${p}/validatingwebhookconfigurations`)),
      listAll(rd, 'MutatingWebhookConfigurations', ADMISSION.map((p) => `${p}/mutatingwebhookconfigurations`)),
      listAll(rd, 'APIServices', ['/apis/apiregistration.k8s.io/v1/apiservices', '/apis/apiregistration.k8s.io/v1beta1/apiservices']),
      listAll(rd, 'CertificateSigningRequests', ['/apis/certificates.k8s.io/v1/certificatesigningrequests', '/apis/certificates.k8s.io/v1beta1/certificatesigningrequests']),
      // bootstrap tokens live in kube-system as Secrets of this type (cluster-bootstrap/token/api/types.go)
      listAll(rd, 'bootstrap-token Secrets in kube-system', ['/api/v1/namespaces/kube-system/secrets'], 'fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken'),
      readKubeadmConfig(rd, cluster),
    ]);

    cluster.nodes = (nodes ?? []).map(nodeFacts);
    cluster.webhooks = [...(validating ?? []).flatMap((o) => webhookFacts(o, 'validating')), ...(mutating ?? []).flatMap((o) => webhookFacts(o, 'mutating'))];
    cluster.apiServices = (apiServices ?? []).map(apiServiceFacts);
    cluster.csrs = (csrs ?? []).map(csrFacts);
    cluster.bootstrapTokens = (tokens ?? []).map(bootstrapTokenFacts);
    cp.rbac = rbacLists.flatMap((l): RbacObject[] => l ?? []);

    const hosts = new Map<string, Host>();
    for (const n of cluster.nodes) hosts.set(n.name, hostOf(n.name, api.server, n));
    for (const pod of (pods ?? []).filter(isControlPlanePod)) {
      for (const c of componentsOfPod(pod)) {
        let h = hosts.get(c.host);
        if (!h) hosts.set(c.host, (h = hostOf(c.host, api.server, undefined)));
        h.components.push(c);
      }
    }
    await eachLimited(cluster.nodes, 8, (n) => readKubelet(rd, hosts.get(n.name)!, n, opts.kubeletTimeoutMs ?? 5_000));
    cp.hosts = [...hosts.values()];

    const apiserverSeen = cp.hosts.some((h) => h.components.some((c) => c.kind === 'kube-apiserver'));
    if (pods && !apiserverSeen) {
      const managed = managedOffering(gitVersion, nodes ?? []);
      if (managed) {
        cluster.managedBy = managed;
        cp.partial.push(`the control plane is managed by ${managed}: its flags, files and etcd are invisible; only API objects were assessed`);
      } else {
        cp.partial.push('no control-plane pods in kube-system (mirror pods or tier=control-plane): the control-plane flags could not be read through the API; scan the control-plane nodes with --node-root or a snapshot');
      }
    }
    cp.cluster = cluster;
    return cp;
  } finally {
    api.close();
  }
}
