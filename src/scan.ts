/**
 * The scan pipeline: read the inputs into one ControlPlane (sources), run the checks over it and
 * compute the communication graph (model + checks), and summarise. No rendering, no exit codes.
 *
 * The live and snapshot sources are imported only when asked for, so a node-root scan never loads
 * @kubernetes/client-node.
 */
import { basename } from 'node:path';
import { allChecks } from './checks/index.js';
import { runChecks, type Check } from './checks/registry.js';
import type { ControlPlane, Host } from './model/control-plane.js';
import { atOrAbove, PRACTICES, SEVERITIES, type Finding, type Practice, type Severity } from './model/finding.js';
import { graphOf } from './model/graph-build.js';
import type { ScanResult, ScanSummary } from './model/result.js';
import { formatVersion, parseVersion } from './model/version.js';
import { readNodeRoot } from './sources/node-root.js';
import { VERSION } from './version.js';

export interface ScanInputs {
  nodeRoots: string[];
  snapshots: string[];
  kubeconfig?: string;
  context?: string;
  /** overrides the detected Kubernetes version (e.g. "v1.29.3") */
  kubernetesVersion?: string;
  /** files or directories of RBAC objects (YAML or JSON, Lists too; read by src/rbac/load.ts) */
  rbac?: string[];
}

export interface ScanOptions {
  failOn: Severity;
  /** the checks to run (default: every check) */
  checks?: readonly Check[];
}

/** Kubernetes components take --kubernetes-version; etcd and flanneld keep their own release numbers. */
const KUBERNETES_KINDS = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet']);

/** Reads every input into one model. Inputs that cannot be read become problems; the caller decides whether anything was read at all. */
export async function loadControlPlane(inputs: ScanInputs): Promise<ControlPlane> {
  const cp: ControlPlane = { hosts: [], problems: [], partial: [] };
  for (const dir of inputs.nodeRoots) {
    let read: Awaited<ReturnType<typeof readNodeRoot>>;
    try {
      read = await readNodeRoot(dir);
    } catch (e) {
      cp.problems.push({ host: basename(dir) || dir, file: dir, message: (e as Error).message });
      continue;
    }
    // the target as the user named it (the source resolves it to an absolute path)
    if (read.host.root !== 'live') read.host.root = dir;
    addHost(cp, read.host);
    cp.problems.push(...read.problems);
    cp.version ??= read.version;
  }
  for (const dir of inputs.snapshots) {
    const { readSnapshot } = await import('./sources/snapshot.js');
    try {
      merge(cp, await readSnapshot(dir));
    } catch (e) {
      cp.problems.push({ host: basename(dir) || dir, file: dir, message: `snapshot ${dir}: ${(e as Error).message}` });
    }
  }
  if (inputs.kubeconfig !== undefined || inputs.context !== undefined) {
    const { readLiveCluster } = await import('./sources/live.js');
    const live: { kubeconfig?: string; context?: string } = {};
    if (inputs.kubeconfig !== undefined) live.kubeconfig = inputs.kubeconfig;
    if (inputs.context !== undefined) live.context = inputs.context;
    try {
      merge(cp, await readLiveCluster(live));
    } catch (e) {
      cp.problems.push({ host: 'live', file: inputs.kubeconfig, message: `live cluster: ${(e as Error).message}` });
    }
  }
  if ((inputs.rbac ?? []).length > 0) {
    const { readRbacFiles } = await import('./rbac/load.js');
    for (const path of inputs.rbac ?? []) {
      try {
        cp.rbac = [...(cp.rbac ?? []), ...(await readRbacFiles([path]))];
      } catch (e) {
        cp.problems.push({ host: 'rbac', file: path, practice: 'rbac', message: `--rbac ${(e as Error).message}` });
      }
    }
  }
  if (inputs.kubernetesVersion !== undefined) applyVersionOverride(cp, inputs.kubernetesVersion);
  return cp;
}

/** Runs the checks, computes the graph and the summary. Pure: no I/O. */
export function scanControlPlane(cp: ControlPlane, opts: ScanOptions): ScanResult {
  const checks = opts.checks ?? allChecks;
  const findings = runChecks(cp, checks);
  return {
    tool: 'kubeward',
    version: VERSION,
    target: targetOf(cp),
    kubernetesVersion: cp.version ? formatVersion(cp.version) : null,
    findings,
    // the graph the checks read (graphOf memoizes it per model), not a second computation
    graph: graphOf(cp),
    summary: summarize(cp, findings, checks.length, opts.failOn),
  };
}

/** True when the inputs gave nothing to judge: no component, no file, no API facts, no RBAC. */
export function nothingRead(cp: ControlPlane): boolean {
  const hostHasSomething = (h: Host) => h.components.length > 0 || Object.values(h.files).some((f) => f.exists);
  return !cp.hosts.some(hostHasSomething) && cp.cluster === undefined && (cp.rbac ?? []).length === 0;
}

/** The checks of the given practices (all when none are given); input checks always run, so nothing unreadable passes silently. */
export function checksFor(practices: readonly Practice[]): readonly Check[] {
  if (practices.length === 0) return allChecks;
  return allChecks.filter((c) => c.id.startsWith('input/') || practices.includes(c.practice));
}

function summarize(cp: ControlPlane, findings: readonly Finding[], checksRun: number, failOn: Severity): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byPractice = Object.fromEntries(PRACTICES.map((p) => [p, 0])) as Record<Practice, number>;
  for (const f of findings) {
    bySeverity[f.severity]++;
    byPractice[f.practice]++;
  }
  return {
    total: findings.length,
    bySeverity,
    byPractice,
    hosts: cp.hosts.map((h) => h.name),
    checksRun,
    partial: [...cp.partial],
    failOn,
    failed: findings.some((f) => atOrAbove(f.severity, failOn)),
  };
}

/** What was read, as the user named it: node roots and snapshot dirs, then the API server. */
function targetOf(cp: ControlPlane): string {
  const roots = [...new Set(cp.hosts.map((h) => h.root))];
  if (cp.cluster?.server && !roots.includes(cp.cluster.server)) roots.push(cp.cluster.server);
  return roots.join(', ');
}

/** Adds a host; a second host with a name already taken (two node roots with the same hostname) gets a suffix so hosts stay one per name. */
function addHost(cp: ControlPlane, host: Host): void {
  const taken = new Set(cp.hosts.map((h) => h.name));
  if (taken.has(host.name)) {
    let n = 2;
    while (taken.has(`${host.name}-${n}`)) n++;
    const name = `${host.name}-${n}`;
    cp.partial.push(`two inputs are named host ${host.name}; the one read from ${host.root} is shown as ${name}`);
    host.name = name;
    for (const c of host.components) c.host = name;
  }
  cp.hosts.push(host);
}

/** Merges what a snapshot or the live source read. */
function merge(cp: ControlPlane, part: ControlPlane): void {
  for (const h of part.hosts) addHost(cp, h);
  cp.problems.push(...part.problems);
  cp.partial.push(...part.partial);
  cp.version ??= part.version;
  if (part.cluster) cp.cluster ??= part.cluster;
  if (part.rbac) cp.rbac = [...(cp.rbac ?? []), ...part.rbac];
}

/** --kubernetes-version wins over detection, also for components whose own version was detected (the user knows better, e.g. a patched image tag). */
function applyVersionOverride(cp: ControlPlane, text: string): void {
  const v = parseVersion(text, '--kubernetes-version');
  if (!v) throw new RangeError(`--kubernetes-version ${text}: not a version (expected e.g. v1.29.3)`);
  cp.version = v;
  for (const h of cp.hosts) for (const c of h.components) if (KUBERNETES_KINDS.has(c.kind)) c.version = v;
}
