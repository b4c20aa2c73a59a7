/**
 * API objects (as JSON from kube-apiserver) turned into model facts. Pure functions: live.ts does the
 * requests. Secret-bearing fields never leave these functions: a bootstrap token keeps its id, expiry,
 * usages and groups, never its token-secret; caBundles become "present or not".
 */
import type {
  ApiServiceFacts,
  BootstrapTokenFacts,
  ClusterNodeFacts,
  Component,
  CsrFacts,
  Host,
  Location,
  RbacObject,
  WebhookFacts,
} from '../model/control-plane.js';
import { parseVersion } from '../model/version.js';
import { flattenConfig } from './flatten.js';
import { componentsOfManifest } from './static-pod.js';
import { asString, isRecord } from './yaml-doc.js';

export type ApiObject = Record<string, unknown>;

function rec(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function strings(v: unknown): string[] {
  return list(v).filter((x): x is string => typeof x === 'string');
}

function nameOf(o: ApiObject): string {
  return asString(rec(o.metadata).name) ?? '';
}

function namespaceOf(o: ApiObject): string | undefined {
  return asString(rec(o.metadata).namespace);
}

/** "kube-system/Pod/kube-apiserver-cp-1", or "Node/cp-1" for cluster-scoped objects. */
export function objectRef(kind: string, o: ApiObject): string {
  const ns = namespaceOf(o);
  return ns ? `${ns}/${kind}/${nameOf(o)}` : `${kind}/${nameOf(o)}`;
}

// pkg/kubelet/types/pod_update.go: ConfigMirrorAnnotationKey
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** A kubelet's mirror pod, or a pod labelled as a control-plane component the way kubeadm labels them. */
export function isControlPlanePod(pod: ApiObject): boolean {
  const meta = rec(pod.metadata);
  const labels = rec(meta.labels);
  return MIRROR_ANNOTATION in rec(meta.annotations) || (labels.tier === 'control-plane' && typeof labels.component === 'string');
}

function withLocation(c: Component, at: Location): Component {
  const relocate = (s: Component['flags']): Component['flags'] =>
    Object.fromEntries(Object.entries(s).map(([k, f]) => [k, { ...f, at, occurrences: f.occurrences.map((o) => ({ ...o, at })) }]));
  return { ...c, at, flags: relocate(c.flags), env: relocate(c.env) };
}

/** The components of a control-plane pod, read the way a static-pod manifest is read, located at the API object. */
export function componentsOfPod(pod: ApiObject): Component[] {
  const host = asString(rec(pod.spec).nodeName) ?? 'unscheduled';
  const object = objectRef('Pod', pod);
  const single = list(rec(pod.spec).containers).length <= 1;
  return componentsOfManifest({ value: pod, lines: {} }, object, host, 'mirror-pod').map((c) => {
    const located = withLocation(c, { kind: 'api', object });
    return single ? { ...located, name: nameOf(pod) } : located;
  });
}

/** The kubelet of a node as its /configz reports it: the effective KubeletConfiguration (flags and defaults merged in). */
export function kubeletFromConfigz(node: string, configz: unknown, version: string | undefined): Component {
  const object = `Node/${node}/proxy/configz`;
  const at: Location = { kind: 'api', object };
  const doc = rec(configz).kubeletconfig ?? configz;
  const c: Component = {
    kind: 'kubelet',
    host: node,
    name: 'kubelet',
    origin: 'config-file',
    at,
    flags: {},
    env: {},
    config: { file: `api:nodes/${node}/proxy/configz`, dropIns: [], fields: flattenConfig(doc, () => at) },
    mounts: [],
  };
  const v = version ? parseVersion(version, 'Node status.nodeInfo.kubeletVersion') : undefined;
  if (v) c.version = v;
  return c;
}

const ROLE_LABEL = 'node-role.kubernetes.io/';
const CONTROL_PLANE_TAINTS = new Set(['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane']);

export function nodeFacts(node: ApiObject): ClusterNodeFacts {
  const labels = rec(rec(node.metadata).labels);
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith(ROLE_LABEL))
    .map((k) => k.slice(ROLE_LABEL.length));
  const legacyRole = asString(labels['kubernetes.io/role']);
  if (legacyRole && !roles.includes(legacyRole)) roles.push(legacyRole);
  const taints = list(rec(node.spec).taints).map((t) => {
    const r = rec(t);
    const taint: ClusterNodeFacts['taints'][number] = { key: asString(r.key) ?? '', effect: asString(r.effect) ?? '' };
    const value = asString(r.value);
    if (value !== undefined) taint.value = value;
    return taint;
  });
  const status = rec(node.status);
  const facts: ClusterNodeFacts = {
    name: nameOf(node),
    roles: roles.sort(),
    taints,
    addresses: list(status.addresses).map((a) => ({ type: asString(rec(a).type) ?? '', address: asString(rec(a).address) ?? '' })),
    object: objectRef('Node', node),
  };
  const kubeletVersion = asString(rec(status.nodeInfo).kubeletVersion);
  if (kubeletVersion) facts.kubeletVersion = kubeletVersion;
  return facts;
}

/** One host per node (and per node a control-plane pod names that the node list did not have). */
export function hostOf(name: string, root: string, node: ClusterNodeFacts | undefined): Host {
  const host: Host = { name, root, components: [], files: {}, cni: [], addresses: node ? node.addresses.map((a) => a.address) : [] };
  if (node) host.runsWorkloads = !node.taints.some((t) => CONTROL_PLANE_TAINTS.has(t.key) && (t.effect === 'NoSchedule' || t.effect === 'NoExecute'));
  return host;
}

function serviceRef(v: unknown): { namespace: string; name: string; port?: number; path?: string } | undefined {
  if (!isRecord(v)) return undefined;
  const s: { namespace: string; name: string; port?: number; path?: string } = { namespace: asString(v.namespace) ?? '', name: asString(v.name) ?? '' };
  if (typeof v.port === 'number') s.port = v.port;
  const path = asString(v.path);
  if (path !== undefined) s.path = path;
  return s;
}

export function webhookFacts(config: ApiObject, kind: WebhookFacts['kind']): WebhookFacts[] {
  const k = kind === 'validating' ? 'ValidatingWebhookConfiguration' : 'MutatingWebhookConfiguration';
  const object = objectRef(k, config);
  return list(config.webhooks).map((w) => {
    const r = rec(w);
    const client = rec(r.clientConfig);
    const facts: WebhookFacts = {
      configuration: nameOf(config),
      kind,
      name: asString(r.name) ?? '',
      hasCaBundle: typeof client.caBundle === 'string' && client.caBundle.length > 0,
      object,
    };
    const url = asString(client.url);
    if (url !== undefined) facts.url = url;
    const service = serviceRef(client.service);
    if (service) facts.service = service;
    const failurePolicy = asString(r.failurePolicy);
    if (failurePolicy !== undefined) facts.failurePolicy = failurePolicy;
    return facts;
  });
}

export function apiServiceFacts(o: ApiObject): ApiServiceFacts {
  const spec = rec(o.spec);
  const facts: ApiServiceFacts = {
    name: nameOf(o),
    insecureSkipTLSVerify: spec.insecureSkipTLSVerify === true,
    hasCaBundle: typeof spec.caBundle === 'string' && spec.caBundle.length > 0,
    object: objectRef('APIService', o),
  };
  const service = serviceRef(spec.service);
  if (service) {
    delete service.path;
    facts.service = service;
  }
  return facts;
}

export function csrFacts(o: ApiObject): CsrFacts {
  const spec = rec(o.spec);
  const facts: CsrFacts = {
    name: nameOf(o),
    // certificates.k8s.io/v1beta1 CSRs without a signerName were for the legacy-unknown signer
    signerName: asString(spec.signerName) ?? 'kubernetes.io/legacy-unknown',
    username: asString(spec.username) ?? '',
    groups: strings(spec.groups),
    usages: strings(spec.usages),
    conditions: list(rec(o.status).conditions).map((c) => asString(rec(c).type) ?? ''),
    object: objectRef('CertificateSigningRequest', o),
  };
  const created = asString(rec(o.metadata).creationTimestamp);
  if (created !== undefined) facts.created = created;
  return facts;
}

function decoded(data: Record<string, unknown>, key: string): string | undefined {
  const v = asString(data[key]);
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/**
 * A bootstrap-token Secret reduced to its public facts. The token-secret key is never read.
 * staging/src/k8s.io/cluster-bootstrap/token/api/types.go: token-id, expiration, usage-bootstrap-*, auth-extra-groups.
 */
export function bootstrapTokenFacts(secret: ApiObject): BootstrapTokenFacts {
  const data = rec(secret.data);
  const facts: BootstrapTokenFacts = {
    id: decoded(data, 'token-id') ?? nameOf(secret).replace(/^bootstrap-token-/, ''),
    usages: Object.keys(data)
      .filter((k) => k.startsWith('usage-bootstrap-') && decoded(data, k) === 'true')
      .map((k) => k.slice('usage-bootstrap-'.length))
      .sort(),
    extraGroups: (decoded(data, 'auth-extra-groups') ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g.length > 0),
    object: objectRef('Secret', secret),
  };
  const expiration = decoded(data, 'expiration');
  if (expiration !== undefined) facts.expiration = expiration;
  return facts;
}

const RBAC_GROUP_VERSION = 'rbac.authorization.k8s.io/v1';

/** An RBAC object as the model keeps it: kind and apiVersion set (list items lack them), managedFields dropped. */
export function rbacObject(kind: string, o: ApiObject): RbacObject {
  const metadata = { ...rec(o.metadata) };
  delete metadata.managedFields;
  return { ...o, apiVersion: RBAC_GROUP_VERSION, kind, metadata };
}

/**
 * Which managed offering runs an invisible control plane, from the signs it leaves: version strings
 * ("v1.29.3-eks-adc7111", "v1.29.4-gke.1043002") and node provider IDs / labels.
 */
export function managedOffering(gitVersion: string | undefined, nodes: readonly ApiObject[]): string | undefined {
  if (gitVersion && /-eks-/.test(gitVersion)) return 'EKS';
  if (gitVersion && /-gke\./.test(gitVersion)) return 'GKE';
  for (const n of nodes) {
    const providerId = asString(rec(n.spec).providerID) ?? '';
    const labels = Object.keys(rec(rec(n.metadata).labels));
    if (providerId.startsWith('azure://') || labels.some((l) => l.startsWith('kubernetes.azure.com/'))) return 'AKS';
    if (labels.some((l) => l.startsWith('eks.amazonaws.com/'))) return 'EKS';
    if (labels.some((l) => l.startsWith('cloud.google.com/gke-'))) return 'GKE';
  }
  return undefined;
}
