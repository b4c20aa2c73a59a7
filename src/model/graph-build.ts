/**
 * computeGraph derives the communication graph from the model: every connection the control plane
 * makes, with what its configuration says about encryption, server verification and client
 * authentication. Pure; what the model cannot tell stays "unknown" (never "secure" by absence).
 *
 * Node ids: "<kind>@<host>" for components in the model ("kubelet@cp-1"); "cni:<plugin>@<host>" for
 * CNI plugins (flanneld is "cni:flannel@<host>"); "etcd@<url host>" and "kube-apiserver@<url host>"
 * for endpoints that are dialled but not in the model; "webhook:<configuration>/<name>" and
 * "aggregated-api:<name>" for what the API server calls out to.
 * Link ids: "<kind>:<source>-><target>", followed by " <endpoint>" only when one source dials one
 * target on several endpoints (e.g. --etcd-servers listing 127.0.0.1 and the node IP).
 */
import type { Component, ControlPlane, Host, KubeconfigFacts, NodeFile } from './control-plane.js';
import {
  componentsOf,
  evidenceFor,
  evidenceForFile,
  fileFor,
  flag,
  flagList,
  hostOf,
  isFalse,
  isTrue,
  kubeconfigCurrent,
  kubeletSetting,
  nodePathFor,
  splitList,
  displayPath,
  type Effective,
} from './effective.js';
import { emptyEvidence, type Evidence } from './finding.js';
import { linkState, type Graph, type GraphLink, type GraphNode, type GraphNodeKind, type LinkKind } from './graph.js';

type LinkFacts = Omit<GraphLink, 'id' | 'state'>;
type ServerVerification = GraphLink['serverVerification'];
type ClientAuthentication = GraphLink['clientAuthentication'];

interface Builder {
  cp: ControlPlane;
  nodes: Map<string, GraphNode>;
  links: LinkFacts[];
}

/** What a client without a configured CA verifies against: Go's system roots (crypto/x509 SystemCertPool via a nil RootCAs). */
const SYSTEM_ROOTS = 'system trust store';

export function computeGraph(cp: ControlPlane): Graph {
  const b: Builder = { cp, nodes: new Map(), links: [] };
  for (const c of cp.hosts.flatMap((h) => h.components)) componentNode(b, c);
  for (const api of componentsOf(cp, 'kube-apiserver')) {
    apiserverToEtcd(b, api);
    for (const k of componentsOf(cp, 'kubelet')) apiserverToKubelet(b, api, k);
  }
  for (const k of componentsOf(cp, 'kubelet')) kubeletToApiserver(b, k);
  for (const c of componentsOf(cp, 'kube-controller-manager')) clientToApiserver(b, c, 'controller-manager-apiserver', flag(cp, c, 'kubeconfig'));
  for (const c of componentsOf(cp, 'kube-scheduler')) clientToApiserver(b, c, 'scheduler-apiserver', flag(cp, c, 'kubeconfig'));
  for (const m of componentsOf(cp, 'etcd')) etcdPeers(b, m);
  for (const h of cp.hosts) cniPluginsToEtcd(b, h);
  for (const f of componentsOf(cp, 'flanneld')) flannelToEtcd(b, f);
  apiserverCallouts(b);
  return finish(b);
}

const memo = new WeakMap<ControlPlane, Graph>();

/** The graph of a model, computed once per model object (checks share it). */
export function graphOf(cp: ControlPlane): Graph {
  let g = memo.get(cp);
  if (!g) {
    g = computeGraph(cp);
    memo.set(cp, g);
  }
  return g;
}

/** The node id of a component, as computeGraph names it. */
export function nodeIdOf(c: Component): string {
  return c.kind === 'flanneld' ? cniNodeId('flannel', c.host) : `${c.kind}@${c.host}`;
}

export function cniNodeId(plugin: string, host: string): string {
  return `cni:${plugin}@${host}`;
}

/** Links of a kind from (or to) a component, in id order: lets a check name the links a finding is about. */
export function linksOf(g: Graph, kind: LinkKind, end: { from?: Component; to?: Component }): GraphLink[] {
  const from = end.from ? nodeIdOf(end.from) : undefined;
  const to = end.to ? nodeIdOf(end.to) : undefined;
  return g.links.filter((l) => l.kind === kind && (from === undefined || l.source === from) && (to === undefined || l.target === to));
}

function finish(b: Builder): Graph {
  const baseId = (l: LinkFacts): string => `${l.kind}:${l.source}->${l.target}`;
  const count = new Map<string, number>();
  for (const l of b.links) count.set(baseId(l), (count.get(baseId(l)) ?? 0) + 1);
  const seen = new Set<string>();
  const links: GraphLink[] = [];
  for (const l of b.links) {
    let id = baseId(l);
    if ((count.get(id) ?? 0) > 1) id = `${id} ${l.endpoint ?? '?'}`;
    if (seen.has(id)) continue; // the same endpoint listed twice dials the same connection
    seen.add(id);
    links.push({ id, ...l, state: linkState(l) });
  }
  return {
    nodes: [...b.nodes.values()].sort((x, y) => x.id.localeCompare(y.id)),
    links: links.sort((x, y) => x.id.localeCompare(y.id)),
  };
}

function addNode(b: Builder, n: GraphNode): string {
  if (!b.nodes.has(n.id)) b.nodes.set(n.id, n);
  return n.id;
}

function componentNode(b: Builder, c: Component): string {
  const kind: GraphNodeKind = c.kind === 'flanneld' ? 'cni' : c.kind;
  return addNode(b, { id: nodeIdOf(c), kind, host: c.host, label: `${c.kind === 'flanneld' ? 'flannel' : c.kind} (${c.host})` });
}

/** A server that is dialled but not in the model (an external etcd, an API server behind a name we cannot place). */
function externalNode(b: Builder, kind: 'etcd' | 'kube-apiserver', hostname: string): string {
  return addNode(b, { id: `${kind}@${hostname}`, kind, host: hostname, label: `${kind} at ${hostname} (not scanned)` });
}

// --- URLs and where they lead ---

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text.trim());
  } catch {
    return undefined;
  }
}

function encryptionOf(u: URL | undefined): GraphLink['encryption'] {
  if (u?.protocol === 'https:') return 'tls';
  if (u?.protocol === 'http:') return 'plaintext';
  return 'unknown';
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

function hostIs(h: Host, hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '');
  return h.name === name || h.addresses.includes(name);
}

function samePort(u: URL, v: URL): boolean {
  const port = (x: URL): string => x.port || (x.protocol === 'https:' ? '443' : '80');
  return port(u) === port(v);
}

/** The etcd member a client URL reaches: loopback → the client's own host; else by host name or address, else by the member's own client URLs. */
function etcdAt(cp: ControlPlane, from: Host, u: URL): Component | undefined {
  const members = componentsOf(cp, 'etcd');
  if (isLoopbackHost(u.hostname)) return members.find((m) => m.host === from.name);
  return (
    members.find((m) => hostIs(hostOf(cp, m), u.hostname)) ??
    members.find((m) =>
      ['advertise-client-urls', 'listen-client-urls'].some((name) =>
        flagList(flag(cp, m, name), m).some((text) => {
          const v = parseUrl(text);
          return v !== undefined && v.hostname === u.hostname && samePort(u, v);
        }),
      ),
    )
  );
}

/** The API servers a client URL reaches; a name we cannot place (a load balancer) fronts every API server in the model. */
function apiserversAt(cp: ControlPlane, from: Host, u: URL | undefined): Component[] {
  const all = componentsOf(cp, 'kube-apiserver');
  const local = all.filter((a) => a.host === from.name);
  if (!u) return local.length > 0 ? local : all;
  if (isLoopbackHost(u.hostname)) return local;
  const placed = all.filter((a) => hostIs(hostOf(cp, a), u.hostname) || flag(cp, a, 'advertise-address').value === u.hostname);
  return placed.length > 0 ? placed : all;
}

// --- certificates and CAs ---

function caLabel(path: string, fingerprint: string | undefined): string {
  return fingerprint ? `${path} (sha256:${fingerprint})` : path;
}

/** The CA a setting names, as "<node path>" plus the certificate fingerprint when the source read the file. */
function caOf(host: Host, c: Component, e: Effective): string | undefined {
  if (e.value === undefined || e.value === '') return undefined;
  const path = nodePathFor(c, e.value, e);
  return caLabel(path, host.files[path]?.certificates?.[0]?.fingerprint);
}

function set(e: Effective): boolean {
  return e.value !== undefined && e.value !== '';
}

function tlsVerification(encryption: GraphLink['encryption'], ca: string | undefined, skip = false): ServerVerification {
  if (encryption === 'plaintext') return { state: 'unverified' };
  if (encryption === 'unknown') return { state: 'unknown' };
  if (skip) return { state: 'unverified' };
  return { state: 'verified', ca: ca ?? SYSTEM_ROOTS };
}

/**
 * How an etcd member authenticates a client: with TLS it requires a client certificate when
 * --client-cert-auth is on or a trusted CA is set (client/pkg/transport/listener.go: ServerConfig).
 * A member outside the model: a presented certificate may or may not be required (unknown).
 */
function etcdClientAuth(
  cp: ControlPlane,
  encryption: GraphLink['encryption'],
  presents: boolean,
  target: Component | undefined,
  peer: boolean,
  evidence: Evidence[],
): ClientAuthentication {
  if (encryption === 'plaintext') return { state: 'none' };
  if (!target) return presents ? { state: 'unknown' } : { state: 'none' };
  const auth = flag(cp, target, peer ? 'peer-client-cert-auth' : 'client-cert-auth');
  const trusted = flag(cp, target, peer ? 'peer-trusted-ca-file' : 'trusted-ca-file');
  evidence.push(evidenceFor(target, auth), evidenceFor(target, trusted));
  const requires = isTrue(auth) || set(trusted);
  if (encryption === 'unknown') return { state: 'unknown' };
  if (!requires || !presents) return { state: 'none' };
  const ca = caOf(hostOf(cp, target), target, trusted);
  return ca ? { state: 'certificate', ca } : { state: 'certificate' };
}

// --- apiserver → etcd ---

/** --etcd-servers-overrides: "group/resource#url;url,group/resource#url" (staging/.../apiserver/pkg/server/options/etcd.go). */
function overrideUrls(e: Effective): string[] {
  return splitList(e.value ?? '').flatMap((entry) => (entry.split('#')[1] ?? '').split(';').map((s) => s.trim()).filter((s) => s.length > 0));
}

function apiserverToEtcd(b: Builder, api: Component): void {
  const { cp } = b;
  const host = hostOf(cp, api);
  const servers = flag(cp, api, 'etcd-servers');
  const overrides = flag(cp, api, 'etcd-servers-overrides');
  const cafile = flag(cp, api, 'etcd-cafile');
  const certfile = flag(cp, api, 'etcd-certfile');
  const keyfile = flag(cp, api, 'etcd-keyfile');
  const dialled = [...flagList(servers, api).map((u) => ({ u, e: servers })), ...overrideUrls(overrides).map((u) => ({ u, e: overrides }))];
  for (const { u, e } of dialled) {
    const url = parseUrl(u);
    const encryption = encryptionOf(url);
    const target = url ? etcdAt(cp, host, url) : undefined;
    const evidence = [evidenceFor(api, e), evidenceFor(api, cafile), evidenceFor(api, certfile), evidenceFor(api, keyfile)];
    const clientAuthentication = etcdClientAuth(cp, encryption, set(certfile) && set(keyfile), target, false, evidence);
    b.links.push({
      kind: 'apiserver-etcd',
      source: nodeIdOf(api),
      target: target ? componentNode(b, target) : externalNode(b, 'etcd', url?.hostname ?? u),
      endpoint: u,
      encryption,
      serverVerification: tlsVerification(encryption, caOf(host, api, cafile)),
      clientAuthentication,
      evidence,
    });
  }
}

// --- apiserver → kubelet ---

function apiserverToKubelet(b: Builder, api: Component, kubelet: Component): void {
  const { cp } = b;
  const host = hostOf(cp, api);
  const kubeletHost = hostOf(cp, kubelet);
  // --kubelet-https=false (removed in 1.22) made the API server dial kubelets over http.
  const https = flag(cp, api, 'kubelet-https');
  const encryption = isFalse(https) ? 'plaintext' : 'tls';
  const ca = flag(cp, api, 'kubelet-certificate-authority');
  const cert = flag(cp, api, 'kubelet-client-certificate');
  const key = flag(cp, api, 'kubelet-client-key');
  const clientCA = kubeletSetting(cp, kubelet, { flag: 'client-ca-file', field: 'authentication.x509.clientCAFile' });
  const anonymous = kubeletSetting(cp, kubelet, { flag: 'anonymous-auth', field: 'authentication.anonymous.enabled' });
  const port = kubeletSetting(cp, kubelet, { flag: 'port', field: 'port' });
  const evidence = [evidenceFor(api, ca), evidenceFor(api, cert), evidenceFor(api, key), evidenceFor(kubelet, clientCA), evidenceFor(kubelet, anonymous)];
  if (https.explicit) evidence.unshift(evidenceFor(api, https));
  const kubeletCA = caOf(kubeletHost, kubelet, clientCA);
  let clientAuthentication: ClientAuthentication = { state: 'none' };
  // The API server presents only its client certificate to kubelets; the kubelet checks it against its x509
  // client CA, and requires it only when anonymous requests are off (as for etcd: "authenticated" means required).
  if (encryption === 'tls' && set(cert) && set(key) && kubeletCA && !isTrue(anonymous)) clientAuthentication = { state: 'certificate', ca: kubeletCA };
  b.links.push({
    kind: 'apiserver-kubelet',
    source: nodeIdOf(api),
    target: nodeIdOf(kubelet),
    endpoint: `${encryption === 'tls' ? 'https' : 'http'}://${kubelet.host}:${port.value ?? '10250'}`,
    encryption,
    // Without --kubelet-certificate-authority the API server does not verify kubelet serving certificates
    // (concepts/architecture/control-plane-node-communication).
    serverVerification: tlsVerification(encryption, caOf(host, api, ca), !set(ca)),
    clientAuthentication,
    evidence,
  });
}

// --- clients with a kubeconfig → apiserver ---

interface KubeconfigUse {
  setting: Effective;
  file?: NodeFile;
  facts?: KubeconfigFacts;
}

function kubeconfigUse(host: Host, c: Component, setting: Effective): KubeconfigUse {
  const file = fileFor(host, c, setting);
  const use: KubeconfigUse = { setting };
  if (file) use.file = file;
  if (file?.exists && file.kubeconfig) use.facts = file.kubeconfig;
  return use;
}

function kubeletToApiserver(b: Builder, k: Component): void {
  const host = hostOf(b.cp, k);
  const main = kubeconfigUse(host, k, flag(b.cp, k, 'kubeconfig'));
  // Before its first certificate the kubelet talks with --bootstrap-kubeconfig (kubelet-tls-bootstrapping).
  const bootstrap = kubeconfigUse(host, k, flag(b.cp, k, 'bootstrap-kubeconfig'));
  // Without either kubeconfig the kubelet runs standalone and never dials an API server.
  if (!main.setting.value && !bootstrap.setting.value) return;
  // The kubelet falls back to the bootstrap kubeconfig only when its kubeconfig does not exist yet; a file
  // the source could not read stays unknown.
  const use = main.file?.exists === false && bootstrap.facts ? bootstrap : main;
  clientToApiserver(b, k, 'kubelet-apiserver', use.setting, use === bootstrap ? [evidenceFor(k, main.setting)] : []);
}

function clientToApiserver(b: Builder, c: Component, kind: LinkKind, setting: Effective, extraEvidence: Evidence[] = []): void {
  const { cp } = b;
  const host = hostOf(cp, c);
  const use = kubeconfigUse(host, c, setting);
  const evidence = [evidenceFor(c, setting), ...extraEvidence];
  // kube-controller-manager and kube-scheduler: --master overrides the kubeconfig's server.
  const master = c.kind === 'kubelet' ? undefined : flag(cp, c, 'master');
  if (master?.explicit) evidence.push(evidenceFor(c, master));
  const { cluster } = use.facts ? kubeconfigCurrent(use.facts) : {};
  const server = master?.explicit ? master.value : cluster?.server;
  const url = server ? parseUrl(server) : undefined;
  if (use.file && cluster) {
    evidence.push(evidenceForFile(use.file, { line: cluster.line ?? null, field: `clusters.${cluster.name}.server`, value: cluster.server ?? null }));
    if (cluster.insecureSkipTlsVerify) evidence.push(evidenceForFile(use.file, { line: cluster.line ?? null, field: `clusters.${cluster.name}.insecure-skip-tls-verify`, value: 'true' }));
  }
  const encryption = server === undefined ? 'unknown' : encryptionOf(url);
  const clusterCA = cluster?.certificateAuthority ? caLabel(cluster.certificateAuthority, cluster.caCertificates[0]?.fingerprint) : undefined;
  const serverVerification = cluster || master?.explicit ? tlsVerification(encryption, clusterCA, cluster?.insecureSkipTlsVerify ?? false) : { state: 'unknown' as const };
  const targets = apiserversAt(cp, host, url);
  const targetIds = targets.length > 0 ? targets.map((t) => nodeIdOf(t)) : [externalNode(b, 'kube-apiserver', url?.hostname ?? 'unknown')];
  for (const [i, target] of targetIds.entries()) {
    const api = targets[i];
    const linkEvidence = [...evidence];
    b.links.push({
      kind,
      source: nodeIdOf(c),
      target,
      ...(server ? { endpoint: server } : {}),
      encryption,
      serverVerification,
      clientAuthentication: apiserverClientAuth(cp, encryption, use, api, linkEvidence),
      evidence: linkEvidence,
    });
  }
}

/** How the API server authenticates a kubeconfig's user: x509 needs its --client-ca-file; tokens, exec plugins and auth providers send a bearer token. */
function apiserverClientAuth(cp: ControlPlane, encryption: GraphLink['encryption'], use: KubeconfigUse, api: Component | undefined, evidence: Evidence[]): ClientAuthentication {
  if (!use.facts) return { state: 'unknown' };
  const { user } = kubeconfigCurrent(use.facts);
  if (!user) return { state: 'unknown' };
  if (user.clientCertificate !== undefined || user.clientCertificates.length > 0) {
    if (encryption === 'plaintext') return { state: 'none' };
    if (!api) return { state: 'unknown' };
    const clientCA = flag(cp, api, 'client-ca-file');
    evidence.push(evidenceFor(api, clientCA));
    const ca = caOf(hostOf(cp, api), api, clientCA);
    return ca ? { state: 'certificate', ca } : { state: 'none' };
  }
  if (user.hasToken || user.hasBasicAuth || user.execCommand !== undefined || user.authProvider !== undefined) return { state: 'token' };
  return { state: 'none' };
}

// --- etcd peers ---

/** --initial-cluster "name=url,name=url" as (name, first URL) pairs. */
function initialCluster(e: Effective): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const entry of splitList(e.value ?? '')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!out.some((x) => x.name === name)) out.push({ name, url: entry.slice(eq + 1) });
  }
  return out;
}

function etcdPeers(b: Builder, m: Component): void {
  const { cp } = b;
  const members = componentsOf(cp, 'etcd');
  const self = flag(cp, m, 'name').value;
  const ic = flag(cp, m, 'initial-cluster');
  const peers: { url: string; member: Component | undefined; name: string }[] = ic.explicit
    ? initialCluster(ic)
        .filter((x) => x.name !== self)
        .map((x) => {
          const u = parseUrl(x.url);
          const member = members.find((p) => p !== m && flag(cp, p, 'name').value === x.name) ?? (u ? members.find((p) => p !== m && hostIs(hostOf(cp, p), u.hostname)) : undefined);
          return { url: x.url, member, name: x.name };
        })
    : members
        .filter((p) => p !== m)
        .map((p) => ({ url: flagList(flag(cp, p, 'initial-advertise-peer-urls'), p)[0] ?? '', member: p, name: flag(cp, p, 'name').value ?? p.host }));
  const host = hostOf(cp, m);
  const cert = flag(cp, m, 'peer-cert-file');
  const key = flag(cp, m, 'peer-key-file');
  const trusted = flag(cp, m, 'peer-trusted-ca-file');
  const autoTls = flag(cp, m, 'peer-auto-tls');
  for (const p of peers) {
    const url = parseUrl(p.url);
    const encryption = encryptionOf(url);
    const evidence = [evidenceFor(m, ic), evidenceFor(m, cert), evidenceFor(m, key), evidenceFor(m, trusted), evidenceFor(m, autoTls)];
    const hasCert = set(cert) && set(key);
    // Peer auto-TLS without peer certificates: etcd self-signs and its peer client skips verification (transport.SelfCert → InsecureSkipVerify).
    const selfSigned = !hasCert && isTrue(autoTls);
    b.links.push({
      kind: 'etcd-peer',
      source: nodeIdOf(m),
      target: p.member ? componentNode(b, p.member) : externalNode(b, 'etcd', url?.hostname ?? p.name),
      endpoint: p.url,
      encryption,
      serverVerification: tlsVerification(encryption, caOf(host, m, trusted), selfSigned),
      clientAuthentication: etcdClientAuth(cp, encryption, hasCert || selfSigned, p.member, true, evidence),
      evidence,
    });
  }
}

// --- CNI → etcd ---

function cniPluginsToEtcd(b: Builder, h: Host): void {
  for (const conf of h.cni) {
    for (const plugin of conf.plugins) {
      if (plugin.etcdEndpoints.length === 0 || plugin.datastoreType === 'kubernetes') continue;
      const source = addNode(b, { id: cniNodeId(plugin.type, h.name), kind: 'cni', host: h.name, label: `${plugin.type} CNI (${h.name})` });
      const at = (field: string, value: string | undefined): Evidence => ({ ...emptyEvidence('file'), file: conf.file, line: plugin.line ?? null, field, value: value ?? null });
      const caPath = plugin.etcdCaCertFile ? displayPath(plugin.etcdCaCertFile) : undefined;
      for (const endpoint of plugin.etcdEndpoints) {
        const url = parseUrl(endpoint);
        const encryption = encryptionOf(url);
        const target = url ? etcdAt(b.cp, h, url) : undefined;
        const evidence = [at('etcd_endpoints', plugin.etcdEndpoints.join(',')), at('etcd_ca_cert_file', plugin.etcdCaCertFile), at('etcd_cert_file', plugin.etcdCertFile), at('etcd_key_file', plugin.etcdKeyFile)];
        b.links.push({
          kind: 'cni-etcd',
          source,
          target: target ? componentNode(b, target) : externalNode(b, 'etcd', url?.hostname ?? endpoint),
          endpoint,
          encryption,
          serverVerification: tlsVerification(encryption, caPath ? caLabel(caPath, h.files[caPath]?.certificates?.[0]?.fingerprint) : undefined),
          clientAuthentication: etcdClientAuth(b.cp, encryption, plugin.etcdCertFile !== undefined && plugin.etcdKeyFile !== undefined, target, false, evidence),
          evidence,
        });
      }
    }
  }
}

function flannelToEtcd(b: Builder, f: Component): void {
  const { cp } = b;
  // --kube-subnet-mgr: flanneld keeps its state in the Kubernetes API, not etcd.
  if (isTrue(flag(cp, f, 'kube-subnet-mgr'))) return;
  const host = hostOf(cp, f);
  const endpoints = flag(cp, f, 'etcd-endpoints');
  const cafile = flag(cp, f, 'etcd-cafile');
  const certfile = flag(cp, f, 'etcd-certfile');
  const keyfile = flag(cp, f, 'etcd-keyfile');
  for (const endpoint of flagList(endpoints, f)) {
    const url = parseUrl(endpoint);
    const encryption = encryptionOf(url);
    const target = url ? etcdAt(cp, host, url) : undefined;
    const evidence = [evidenceFor(f, endpoints), evidenceFor(f, cafile), evidenceFor(f, certfile), evidenceFor(f, keyfile)];
    b.links.push({
      kind: 'cni-etcd',
      source: componentNode(b, f),
      target: target ? componentNode(b, target) : externalNode(b, 'etcd', url?.hostname ?? endpoint),
      endpoint,
      encryption,
      serverVerification: tlsVerification(encryption, caOf(host, f, cafile)),
      clientAuthentication: etcdClientAuth(cp, encryption, set(certfile) && set(keyfile), target, false, evidence),
      evidence,
    });
  }
}

// --- apiserver → admission webhooks and aggregated APIs (live facts only) ---

function apiserverCallouts(b: Builder): void {
  const cluster = b.cp.cluster;
  if (!cluster) return;
  const sources = componentsOf(b.cp, 'kube-apiserver');
  const external = sources.length === 0 ? externalNode(b, 'kube-apiserver', parseUrl(cluster.server ?? '')?.hostname ?? 'cluster') : undefined;
  const sourceIds = external ? [external] : sources.map((s) => nodeIdOf(s));
  for (const w of cluster.webhooks) {
    const target = addNode(b, { id: `webhook:${w.configuration}/${w.name}`, kind: 'webhook', host: w.url ? (parseUrl(w.url)?.hostname ?? w.url) : `${w.service?.namespace}/${w.service?.name}`, label: `${w.kind} webhook ${w.name}` });
    const endpoint = w.url ?? `https://${w.service?.name}.${w.service?.namespace}.svc:${w.service?.port ?? 443}${w.service?.path ?? ''}`;
    // Service-referenced webhooks are always called over https; a URL says its own scheme.
    const encryption = w.url ? encryptionOf(parseUrl(w.url)) : 'tls';
    const evidence: Evidence[] = [{ ...emptyEvidence('api'), object: w.object, field: w.url ? 'clientConfig.url' : 'clientConfig.service', value: endpoint }];
    for (const source of sourceIds) {
      b.links.push({
        kind: 'apiserver-webhook',
        source,
        target,
        endpoint,
        encryption,
        serverVerification: tlsVerification(encryption, w.hasCaBundle ? `${w.object} caBundle` : undefined),
        // The API server authenticates to webhooks only through --admission-control-config-file kubeconfigs, which the model does not hold.
        clientAuthentication: { state: 'unknown' },
        evidence,
      });
    }
  }
  for (const a of cluster.apiServices) {
    if (!a.service) continue; // served by the API server itself
    const target = addNode(b, { id: `aggregated-api:${a.name}`, kind: 'aggregated-api', host: `${a.service.namespace}/${a.service.name}`, label: `aggregated API ${a.name}` });
    const endpoint = `https://${a.service.name}.${a.service.namespace}.svc:${a.service.port ?? 443}`;
    for (const [i, source] of sourceIds.entries()) {
      const api = external ? undefined : sources[i];
      const evidence: Evidence[] = [{ ...emptyEvidence('api'), object: a.object, field: 'spec.insecureSkipTLSVerify', value: String(a.insecureSkipTLSVerify) }];
      b.links.push({
        kind: 'apiserver-aggregated',
        source,
        target,
        endpoint,
        encryption: 'tls',
        serverVerification: tlsVerification('tls', a.hasCaBundle ? `${a.object} caBundle` : undefined, a.insecureSkipTLSVerify),
        clientAuthentication: api ? proxyClientAuth(b.cp, api, evidence) : { state: 'unknown' },
        evidence,
      });
    }
  }
}

/** The API server proxies to aggregated APIs with --proxy-client-cert-file, which they verify against --requestheader-client-ca-file. */
function proxyClientAuth(cp: ControlPlane, api: Component, evidence: Evidence[]): ClientAuthentication {
  const cert = flag(cp, api, 'proxy-client-cert-file');
  const key = flag(cp, api, 'proxy-client-key-file');
  const ca = flag(cp, api, 'requestheader-client-ca-file');
  evidence.push(evidenceFor(api, cert), evidenceFor(api, ca));
  const caText = caOf(hostOf(cp, api), api, ca);
  if (!set(cert) || !set(key) || !caText) return { state: 'none' };
  return { state: 'certificate', ca: caText };
}
