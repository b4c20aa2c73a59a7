/**
 * Effective values: the explicit setting where there is one, else the component's default for the
 * version (defaults.ts). Checks read settings only through these functions, never by raw presence.
 */
import { posix } from 'node:path';
import type { Component, ControlPlane, FlagSetting, Host, KubeconfigCluster, KubeconfigFacts, KubeconfigUser, Location, NodeFile, Version } from './control-plane.js';
import { defaultFor, type DefaultRow } from './defaults.js';
import type { Evidence } from './finding.js';

export interface Effective {
  /** undefined: unset, and no default takes its place */
  value: string | undefined;
  explicit: boolean;
  /** where it was set, when explicit */
  at?: Location;
  flag?: string;
  field?: string;
  /** the environment variable it came from (etcd, flanneld) */
  env?: string;
  /** the default row that applied, when not explicit */
  defaultRow?: DefaultRow;
}

export function versionOf(cp: Pick<ControlPlane, 'version'>, c: Component): Version | undefined {
  return c.version ?? cp.version;
}

function fromDefault(cp: Pick<ControlPlane, 'version'>, c: Component, key: string, names: { flag?: string; field?: string }): Effective {
  const row = defaultFor(c.kind, key, versionOf(cp, c));
  const e: Effective = { value: row?.value, explicit: false, ...names };
  if (row) e.defaultRow = row;
  return e;
}

function fromSetting(s: FlagSetting, names: { flag?: string; field?: string; env?: string }): Effective {
  return { value: s.value, explicit: true, at: s.at, ...names };
}

/**
 * etcd's YAML config file (--config-file) nests TLS settings; map a flag name to its config key.
 * etcd server/embed/config.go: ClientSecurityJSON / PeerSecurityJSON.
 */
function etcdConfigKey(flag: string): string {
  const tls = ['cert-file', 'key-file', 'client-cert-auth', 'trusted-ca-file', 'auto-tls', 'allowed-cn', 'crl-file'];
  if (flag.startsWith('peer-')) {
    const rest = flag.slice('peer-'.length);
    if (tls.includes(rest) || rest === 'cert-allowed-cn') return `peer-transport-security.${rest === 'cert-allowed-cn' ? 'allowed-cn' : rest}`;
  }
  if (tls.includes(flag)) return `client-transport-security.${flag}`;
  return flag;
}

/** An environment variable name as etcd and flanneld derive it from a flag ("client-cert-auth" → "ETCD_CLIENT_CERT_AUTH"). */
export function envNameFor(prefix: string, flag: string): string {
  return `${prefix}_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** A component flag's effective value (etcd: --config-file wins over flags, flags over ETCD_* env). */
export function flag(cp: Pick<ControlPlane, 'version'>, c: Component, name: string): Effective {
  if (c.kind === 'etcd' && c.config) {
    const key = etcdConfigKey(name);
    const f = c.config.fields[key];
    if (f) return { value: stringify(f.value), explicit: true, at: f.at, flag: name, field: key };
    return fromDefault(cp, c, `flag:${name}`, { flag: name, field: key });
  }
  const s = c.flags[name];
  if (s) return fromSetting(s, { flag: name });
  const envPrefix = c.kind === 'etcd' ? 'ETCD' : c.kind === 'flanneld' ? 'FLANNELD' : undefined;
  if (envPrefix) {
    const env = envNameFor(envPrefix, name);
    const e = c.env[env];
    if (e) return fromSetting(e, { flag: name, env });
  }
  return fromDefault(cp, c, `flag:${name}`, { flag: name });
}

/**
 * A kubelet setting that exists both as a flag and a config field. Flags win over the config file;
 * config-file defaults apply only when the kubelet runs with --config, otherwise the legacy flag
 * defaults do (cmd/kubelet/app/options/options.go; pkg/kubelet/apis/config/v1beta1/defaults.go).
 */
export function kubeletSetting(cp: Pick<ControlPlane, 'version'>, c: Component, names: { flag?: string; field: string }): Effective {
  if (names.flag) {
    const s = c.flags[names.flag];
    if (s) return fromSetting(s, names);
  }
  const f = c.config?.fields[names.field];
  if (f) return { value: stringify(f.value), explicit: true, at: f.at, ...names };
  if (c.config) return fromDefault(cp, c, `config:${names.field}`, names);
  if (names.flag) return fromDefault(cp, c, `flag:${names.flag}`, names);
  return { value: undefined, explicit: false, ...names };
}

/** A config-file field only (no flag), with the config-file default. */
export function configField(cp: Pick<ControlPlane, 'version'>, c: Component, field: string): Effective {
  return kubeletSetting(cp, c, { field });
}

/**
 * A feature gate: --feature-gates (every occurrence merged, later wins; component-base/featuregate),
 * then the kubelet's featureGates config map, then the default for the version.
 */
export function featureGate(cp: Pick<ControlPlane, 'version'>, c: Component, gate: string): Effective {
  const s = c.flags['feature-gates'];
  if (s) {
    let found: Effective | undefined;
    for (const occ of s.occurrences) {
      for (const pair of occ.value.split(',')) {
        const [k, v] = pair.split('=').map((x) => x.trim());
        if (k === gate) found = { value: (v ?? '').toLowerCase(), explicit: true, at: occ.at, flag: 'feature-gates' };
      }
    }
    if (found) return found;
  }
  const f = c.config?.fields[`featureGates.${gate}`];
  if (f) return { value: stringify(f.value), explicit: true, at: f.at, field: `featureGates.${gate}` };
  const row = defaultFor(c.kind, `feature:${gate}`, versionOf(cp, c));
  const e: Effective = { value: row?.value, explicit: false, flag: 'feature-gates' };
  if (row) e.defaultRow = row;
  return e;
}

/** Every value of a repeatable flag (pflag StringArray: each occurrence counts; StringSlice: comma lists). */
export function flagList(e: Effective, c?: Component): string[] {
  if (e.value === undefined) return [];
  if (c && e.flag && e.explicit && c.flags[e.flag]) {
    return c.flags[e.flag]!.occurrences.flatMap((o) => splitList(o.value));
  }
  return splitList(e.value);
}

export function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function isTrue(e: Effective): boolean {
  return e.value !== undefined && e.value.toLowerCase() === 'true';
}

export function isFalse(e: Effective): boolean {
  return e.value !== undefined && e.value.toLowerCase() === 'false';
}

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  return JSON.stringify(v);
}

/** A node path as shown to users: no leading slash, relative to the node root. */
export function displayPath(absolute: string): string {
  return posix.normalize(absolute).replace(/^\/+/, '');
}

/**
 * Where a path that a component names lives on its node: static-pod container paths go through the
 * pod's hostPath mounts (longest prefix wins, as the container runtime binds them); relative paths in
 * a kubelet config file are relative to that file's directory (kubelet-config-file docs).
 */
export function nodePathFor(c: Component, value: string, e?: Effective): string {
  let p = value;
  if (!posix.isAbsolute(p)) {
    // only a value read from the kubelet's config (not a flag that won over it) is config-relative
    const fromConfig = c.kind === 'kubelet' && e?.field && c.config && e.at?.file && (e.at.file === c.config.file || c.config.dropIns.includes(e.at.file));
    const base = fromConfig && e.at?.file ? posix.dirname(`/${e.at.file}`) : '/';
    p = posix.join(base, p);
  }
  let best: { containerPath: string; hostPath: string } | undefined;
  for (const m of c.mounts) {
    const cp = m.containerPath.replace(/\/+$/, '');
    if ((p === cp || p.startsWith(`${cp}/`)) && (!best || cp.length > best.containerPath.length)) best = { containerPath: cp, hostPath: m.hostPath };
  }
  if (best) p = posix.join(best.hostPath, p.slice(best.containerPath.length));
  return displayPath(p);
}

/** The file a setting points to, as the source read it (undefined when the source did not look). */
export function fileFor(host: Host, c: Component, e: Effective): NodeFile | undefined {
  if (e.value === undefined || e.value === '') return undefined;
  return host.files[nodePathFor(c, e.value, e)];
}

export function hostOf(cp: ControlPlane, c: Component): Host {
  const h = cp.hosts.find((x) => x.name === c.host);
  if (!h) throw new Error(`component ${c.name} names host ${c.host}, which is not in the model`);
  return h;
}

export function componentsOf(cp: ControlPlane, kind: Component['kind']): Component[] {
  return cp.hosts.flatMap((h) => h.components.filter((c) => c.kind === kind));
}

/** Evidence for a finding about an effective value: the place it was set, or the component and the default that applied. */
export function evidenceFor(c: Component, e: Effective): Evidence {
  const at = e.explicit && e.at ? e.at : c.at;
  const source: Evidence['source'] = e.explicit && e.at ? (e.at.kind === 'snapshot' ? 'snapshot' : e.at.kind) : 'default';
  return {
    source,
    file: at.file ?? null,
    line: e.explicit ? (at.line ?? null) : null,
    flag: e.flag ? `--${e.flag}` : e.env ?? null,
    value: e.value ?? null,
    field: e.field ?? null,
    object: at.object ?? null,
    probe: null,
  };
}

/** Evidence pointing at a file (permissions, contents). */
export function evidenceForFile(file: NodeFile, extra: Partial<Evidence> = {}): Evidence {
  return { source: 'file', file: file.path, line: null, flag: null, value: null, field: null, object: null, probe: null, ...extra };
}

/**
 * The line of a document node (NodeFile.lines). Keys are dotted paths with array indices as numeric
 * segments ("rules.3.resources.0.group"); the nearest recorded ancestor answers when the node itself
 * has no entry, so a finding can always cite at least the enclosing item.
 */
export function documentLine(file: NodeFile, path: string): number | undefined {
  if (!file.lines) return undefined;
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const line = file.lines[parts.slice(0, n).join('.')];
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * A sentence naming the default that applied to an unset setting, with its upstream file, e.g.
 * "unset: kube-controller-manager defaults to 0.0.0.0 (cmd/kube-controller-manager/app/options/options.go)".
 * Undefined when the setting is explicit.
 */
export function defaultDetail(c: Component, e: Effective): string | undefined {
  if (e.explicit) return undefined;
  const row = e.defaultRow;
  if (!row) return `unset: ${c.kind} has no default for it`;
  const value = row.value === undefined ? 'nothing' : row.value;
  return `unset: ${c.kind} defaults to ${value} (${row.source}${row.note ? `; ${row.note}` : ''})`;
}

/**
 * The cluster and user a kubeconfig's current context selects; without a current context client-go
 * has nothing to pick, but a file with one cluster and one user is read as those
 * (client-go tools/clientcmd/client_config.go: getContext/getCluster/getAuthInfo).
 */
export function kubeconfigCurrent(k: KubeconfigFacts): { cluster?: KubeconfigCluster; user?: KubeconfigUser } {
  const ctx = k.contexts.find((x) => x.name === k.currentContext) ?? (k.contexts.length === 1 ? k.contexts[0] : undefined);
  const cluster = ctx ? k.clusters.find((x) => x.name === ctx.cluster) : k.clusters.length === 1 ? k.clusters[0] : undefined;
  const user = ctx ? k.users.find((x) => x.name === ctx.user) : k.users.length === 1 ? k.users[0] : undefined;
  const out: { cluster?: KubeconfigCluster; user?: KubeconfigUser } = {};
  if (cluster) out.cluster = cluster;
  if (user) out.user = user;
  return out;
}
