/**
 * A small builder for control-plane models in tests (the layout.md "fixture builder"): components
 * from argument lists as they would appear in a manifest, files with their facts, one call per fact.
 */
import type { CniConfigFacts, Component, ComponentKind, ControlPlane, Host, NodeFile, PathMapping } from '../../src/model/control-plane.js';
import { parseVersion } from '../../src/model/version.js';
import { parseFlags } from '../../src/sources/flags.js';
import { flattenConfig } from '../../src/sources/flatten.js';

const MANIFEST: Partial<Record<ComponentKind, string>> = {
  'kube-apiserver': 'etc/kubernetes/manifests/kube-apiserver.yaml',
  'kube-controller-manager': 'etc/kubernetes/manifests/kube-controller-manager.yaml',
  'kube-scheduler': 'etc/kubernetes/manifests/kube-scheduler.yaml',
  etcd: 'etc/kubernetes/manifests/etcd.yaml',
};

/** kubeadm's hostPath mounts, so container paths resolve as they do on a kubeadm node. */
const KUBEADM_MOUNTS: PathMapping[] = [
  { containerPath: '/etc/kubernetes/pki', hostPath: '/etc/kubernetes/pki', readOnly: true },
  { containerPath: '/etc/kubernetes', hostPath: '/etc/kubernetes', readOnly: true },
  { containerPath: '/var/lib/etcd', hostPath: '/var/lib/etcd', readOnly: false },
];

export interface ComponentOptions {
  env?: Record<string, string>;
  mounts?: PathMapping[];
  image?: string;
  version?: string;
  /** kubelet --config (or etcd --config-file) content */
  config?: Record<string, unknown>;
  configPath?: string;
  origin?: Component['origin'];
}

export class HostBuilder {
  readonly host: Host;
  constructor(name: string) {
    this.host = { name, root: `fixture:${name}`, components: [], files: {}, cni: [], addresses: [] };
  }

  component(kind: ComponentKind, args: string[], o: ComponentOptions = {}): this {
    const file = kind === 'kubelet' ? 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf' : (MANIFEST[kind] ?? `etc/${kind}`);
    const origin = o.origin ?? (kind === 'kubelet' ? 'systemd' : 'static-pod');
    const parsed = parseFlags(
      args.map((text, i) => ({ text, at: { kind: origin === 'systemd' ? 'unit' : 'file', file, line: 10 + i } as const })),
      kind,
    );
    const c: Component = {
      kind,
      host: this.host.name,
      name: kind === 'kubelet' ? 'kubelet' : `${kind}-${this.host.name}`,
      origin,
      at: { kind: 'file', file },
      flags: parsed.flags,
      env: {},
      mounts: o.mounts ?? (origin === 'static-pod' ? KUBEADM_MOUNTS : []),
    };
    for (const [k, v] of Object.entries(o.env ?? {})) {
      const at = { kind: 'env', file: `etc/${kind}.env`, line: 1 } as const;
      c.env[k] = { name: k, value: v, at, occurrences: [{ value: v, at }] };
    }
    if (o.config) {
      const cfg = o.configPath ?? (kind === 'kubelet' ? 'var/lib/kubelet/config.yaml' : `etc/${kind}/config.yaml`);
      c.config = { file: cfg, dropIns: [], fields: flattenConfig(o.config, () => ({ kind: 'file', file: cfg, line: 1 })) };
    }
    if (o.image) c.image = o.image;
    if (o.version) c.version = parseVersion(o.version, 'fixture');
    this.host.components.push(c);
    return this;
  }

  apiserver(args: string[], o?: ComponentOptions): this {
    return this.component('kube-apiserver', args, o);
  }
  controllerManager(args: string[], o?: ComponentOptions): this {
    return this.component('kube-controller-manager', args, o);
  }
  scheduler(args: string[], o?: ComponentOptions): this {
    return this.component('kube-scheduler', args, o);
  }
  etcd(args: string[], o?: ComponentOptions): this {
    return this.component('etcd', args, o);
  }
  kubelet(args: string[], o?: ComponentOptions): this {
    return this.component('kubelet', args, o);
  }

  /** A file on this host; `path` is the node path without the leading slash. */
  file(path: string, facts: Partial<NodeFile> = {}): this {
    this.host.files[path] = { path, exists: true, type: 'file', mode: 0o600, uid: 0, gid: 0, owner: 'root', group: 'root', ...facts };
    return this;
  }

  cni(c: CniConfigFacts): this {
    this.host.cni.push(c);
    return this;
  }
}

export class ControlPlaneBuilder {
  private readonly hosts: HostBuilder[] = [];
  private readonly cp: ControlPlane = { hosts: [], problems: [], partial: [] };

  constructor(version?: string) {
    if (version) this.cp.version = parseVersion(version, 'fixture');
  }

  host(name: string, build: (h: HostBuilder) => unknown = () => undefined): this {
    const h = new HostBuilder(name);
    build(h);
    this.hosts.push(h);
    return this;
  }

  with(edit: (cp: ControlPlane) => void): this {
    edit(this.cp);
    return this;
  }

  build(): ControlPlane {
    return { ...this.cp, hosts: this.hosts.map((h) => h.host) };
  }
}

/** A model with one host; `version` defaults to a current Kubernetes release. */
export function controlPlane(version = 'v1.31.2'): ControlPlaneBuilder {
  return new ControlPlaneBuilder(version);
}

/** One host "cp-1" built by `build`. */
export function singleHost(build: (h: HostBuilder) => unknown, version = 'v1.31.2'): ControlPlane {
  return controlPlane(version).host('cp-1', build).build();
}
