/**
 * One node's control plane from its files (a node root: `/` on a live node, or a copied tree): static
 * pods, host services, running processes (live), CNI configs, and every file they point to.
 * Sources judge nothing; what could not be read becomes an InputProblem and reading goes on.
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Component, Host, InputProblem, Version } from '../model/control-plane.js';
import { isIP } from 'node:net';
import { flag, kubeletSetting, nodePathFor, splitList } from '../model/effective.js';
import { parseVersion } from '../model/version.js';
import { readCniConfigs } from './cni.js';
import { describeNodeFile } from './files.js';
import { readConfigFields, readKubeletConfig, resolveFrom } from './kubelet-config.js';
import { listDir, toDisplay, type NodeContext } from './node-fs.js';
import { mergeProcesses, readProcesses } from './proc.js';
import { readReferencedFiles } from './referenced-files.js';
import { componentFromFiles, componentFromUnit, type ServiceComponent } from './services.js';
import { readManifestDir } from './static-pod.js';
import { asString, isRecord } from './yaml-doc.js';

export interface NodeRootOptions {
  /** default: the hostname in etc/hostname, else the directory's name */
  host?: string;
  /** read /proc too; default: dir === '/' */
  live?: boolean;
}

export interface NodeRootRead {
  host: Host;
  problems: InputProblem[];
  /** the Kubernetes version from control-plane image tags, when one is there */
  version?: Version;
}

export const MANIFEST_DIR = 'etc/kubernetes/manifests';
/** Directories of credentials read whole, whether or not a flag names them. */
const PKI_DIRS = ['etc/kubernetes/pki', 'var/lib/kubelet/pki'];

async function hostNameOf(root: string): Promise<string> {
  try {
    const name = (await readFile(resolve(root, 'etc/hostname'), 'utf8')).split('\n')[0]?.trim();
    if (name) return name;
  } catch {
    // no etc/hostname: fall back to the directory name
  }
  return basename(root) || hostname();
}

/** Reads a node root. Throws only when `dir` is not a readable directory. */
export async function readNodeRoot(dir: string, opts: NodeRootOptions = {}): Promise<NodeRootRead> {
  const root = resolve(dir);
  let isDir = false;
  try {
    isDir = (await stat(root)).isDirectory();
  } catch (e) {
    throw new Error(`cannot read node root ${dir}: ${(e as Error).message}`);
  }
  if (!isDir) throw new Error(`node root ${dir} is not a directory`);
  const name = opts.host ?? (await hostNameOf(root));
  const live = opts.live ?? root === '/';
  const ctx: NodeContext = { root, host: name, problems: [], files: {} };

  // host services first: the kubelet says where static pods live
  let services: ServiceComponent[] = [];
  for (const [unit, kind] of [['kubelet.service', 'kubelet'], ['etcd.service', 'etcd'], ['flanneld.service', 'flanneld']] as const) {
    const s = componentFromUnit(ctx, unit, kind);
    if (s) services.push(s);
  }
  const processes = live ? readProcesses(ctx) : [];
  services = mergeProcesses(services, processes.filter((p) => p.component.kind === 'kubelet'));
  for (const s of services) if (s.component.kind === 'kubelet') readKubeletConfig(ctx, s.component, s.cwd);

  const manifestDirs = new Set([MANIFEST_DIR]);
  for (const s of services) {
    if (s.component.kind !== 'kubelet') continue;
    const e = kubeletSetting({}, s.component, { flag: 'pod-manifest-path', field: 'staticPodPath' });
    if (e.explicit && e.value) manifestDirs.add(nodePathFor(s.component, e.value, e));
  }
  const pods: ServiceComponent[] = [];
  for (const d of manifestDirs) for (const c of readManifestDir(ctx, d)) pods.push({ component: c, cwd: '/' });

  // external etcd and flanneld known only from their files, when neither a unit nor a pod runs them
  for (const kind of ['etcd', 'flanneld'] as const) {
    if ([...services, ...pods].some((s) => s.component.kind === kind)) continue;
    const s = componentFromFiles(ctx, kind);
    if (s) services.push(s);
  }
  const all = mergeProcesses([...services, ...pods], processes.filter((p) => p.component.kind !== 'kubelet'));
  const components = all.map((s) => s.component);
  for (const s of all) if (s.component.kind === 'etcd') readEtcdConfig(ctx, s);

  for (const c of components) readReferencedFiles(ctx, c);
  for (const d of PKI_DIRS) if (listDir(ctx, d)) describeNodeFile(ctx, d, 'directory', { practice: 'tls', recursive: true });
  for (const n of listDir(ctx, 'etc/kubernetes') ?? []) if (n.endsWith('.conf')) describeNodeFile(ctx, `etc/kubernetes/${n}`, 'kubeconfig', { practice: 'tls' });
  const cni = readCniConfigs(ctx);

  const host: Host = { name, root: live ? 'live' : root, components, files: ctx.files, cni, addresses: addressesOf(components) };
  const runsWorkloads = runsWorkloadsOf(components);
  if (runsWorkloads !== undefined) host.runsWorkloads = runsWorkloads;
  const result: NodeRootRead = { host, problems: ctx.problems };
  const version = versionOf(components);
  if (version) result.version = version;
  return result;
}

/** etcd --config-file (or ETCD_CONFIG_FILE): when given, etcd reads only the file (etcdmain/config.go). */
function readEtcdConfig(ctx: NodeContext, s: ServiceComponent): void {
  const c = s.component;
  const setting = c.flags['config-file'] ?? c.env.ETCD_CONFIG_FILE;
  if (!setting || setting.value === '') return;
  const file = c.mounts.length > 0 ? nodePathFor(c, setting.value) : resolveFrom(s.cwd, setting.value);
  const fields = readConfigFields(ctx, file, { component: c.name, practice: 'etcd', flag: '--config-file' });
  if (fields) c.config = { file: toDisplay(file), dropIns: [], fields };
}

/** Settings that name this host's own addresses (URLs: their host part). */
const ADDRESS_SETTINGS: Partial<Record<Component['kind'], string[]>> = {
  'kube-apiserver': ['advertise-address', 'bind-address'],
  kubelet: ['node-ip', 'address'],
  etcd: ['listen-client-urls', 'listen-peer-urls', 'advertise-client-urls', 'initial-advertise-peer-urls'],
};

/** The host's specific IP addresses as its components name them (not wildcard or loopback). */
function addressesOf(components: Component[]): string[] {
  const out = new Set<string>();
  for (const c of components) {
    for (const name of ADDRESS_SETTINGS[c.kind] ?? []) {
      const e = c.kind === 'kubelet' && name === 'address' ? kubeletSetting({}, c, { flag: 'address', field: 'address' }) : flag({}, c, name);
      if (!e.explicit || !e.value) continue;
      for (const item of splitList(e.value)) {
        const ip = item.includes('://') ? urlHost(item) : item;
        if (ip && isIP(ip) && !/^(0\.0\.0\.0|::|127\.|::1$)/.test(ip)) out.add(ip);
      }
    }
  }
  return [...out];
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

const CONTROL_PLANE_TAINTS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

function taintsOf(kubelet: Component): string[] {
  const flag = kubelet.flags['register-with-taints'];
  if (flag) return flag.value.split(',');
  const field = kubelet.config?.fields.registerWithTaints?.value;
  if (!Array.isArray(field)) return [];
  return field.filter(isRecord).map((t) => `${asString(t.key) ?? ''}${t.value ? `=${asString(t.value) ?? ''}` : ''}:${asString(t.effect) ?? ''}`);
}

/**
 * Whether the host's kubelet runs workloads: false with a control-plane NoSchedule taint (or no
 * kubelet); true for a kubelet with no such taint on a host without control-plane pods; unknown for a
 * control-plane host without a taint in its files (kubeadm taints through the API, not the kubelet).
 */
function runsWorkloadsOf(components: Component[]): boolean | undefined {
  const kubelet = components.find((c) => c.kind === 'kubelet');
  if (!kubelet) return components.length > 0 ? false : undefined;
  const tainted = taintsOf(kubelet).some((t) => CONTROL_PLANE_TAINTS.some((k) => t.startsWith(k)) && /:NoSchedule$|:NoExecute$/.test(t));
  if (tainted) return false;
  const controlPlane = components.some((c) => c.origin === 'static-pod' && c.kind !== 'etcd');
  return controlPlane ? undefined : true;
}

/** The Kubernetes version from a control-plane image tag (etcd's tag is etcd's own version). */
function versionOf(components: Component[]): Version | undefined {
  for (const kind of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const) {
    const c = components.find((x) => x.kind === kind && x.image);
    const v = c?.image ? parseVersion(c.image, `image ${c.image}`) : undefined;
    if (v) return v;
  }
  return undefined;
}
