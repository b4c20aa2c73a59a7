/**
 * Offline snapshots: the model as read on a node or from a cluster, saved to a folder and scanned
 * elsewhere. The model holds facts only (certificates as metadata, keys as fingerprints, tokens as
 * counts, Secret data never), so a snapshot is the model in versioned JSON:
 *
 *   manifest.json        format, version, when and from what it was collected, problems, partial
 *   hosts/<host>.json    one Host each (components with flags and where they were set, file facts with modes)
 *   cluster.json         API facts (webhooks, APIServices, Nodes, CSRs, bootstrap-token metadata), when read live
 *   rbac.json            RBAC objects, when read
 *
 * Writing goes to a temporary sibling folder renamed into place, so a snapshot is whole or absent.
 * Reading several snapshots and merging their hosts is the scan's job (src/scan.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../cli/errors.js';
import type { ClusterFacts, Component, ControlPlane, Host, InputProblem, Location, RbacObject, Version } from '../model/control-plane.js';
import { VERSION } from '../version.js';
import { isRecord } from './yaml-doc.js';

export const SNAPSHOT_FORMAT = 'kubeward-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  /** the kubeward version that wrote it */
  kubeward: string;
  /** ISO time the facts were read */
  collectedAt: string;
  /** what was read: node root paths, the API server URL */
  source: string;
  version?: Version;
  problems: InputProblem[];
  partial: string[];
  hosts: { name: string; file: string }[];
  cluster?: string;
  rbac?: string;
}

/**
 * The model is secret-free by construction; this is the last guard before anything reaches disk
 * (a source bug must not turn into a leaked key in a snapshot someone mails around).
 */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/"(client-key-data|token-secret|token)"\s*:\s*"[^"]/, 'a credential field'],
];

function assertSecretFree(name: string, text: string): void {
  for (const [shape, what] of SECRET_SHAPES) {
    if (shape.test(text)) throw new Error(`refusing to write ${name}: it would contain ${what}`);
  }
}

function safeFileName(name: string, taken: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'host';
  let file = `hosts/${base}.json`;
  for (let n = 2; taken.has(file); n++) file = `hosts/${base}-${n}.json`;
  taken.add(file);
  return file;
}

async function isEmptyOrSnapshot(dir: string): Promise<'missing' | 'empty' | 'snapshot' | 'other'> {
  try {
    if (!(await stat(dir)).isDirectory()) return 'other';
  } catch {
    return 'missing';
  }
  const entries = await readdir(dir);
  if (entries.length === 0) return 'empty';
  return entries.includes('manifest.json') ? 'snapshot' : 'other';
}

/**
 * Writes `cp` as a snapshot into `dir` (created; an empty folder or an older snapshot there is
 * replaced; any other content is refused). Files are 0600, folders 0700.
 */
export async function writeSnapshot(cp: ControlPlane, dir: string, o: { source?: string } = {}): Promise<SnapshotManifest> {
  const target = resolve(dir);
  const state = await isEmptyOrSnapshot(target);
  if (state === 'other') throw new InputError(`--out ${dir}: exists and is not an empty folder or a kubeward snapshot; not overwriting it`);
  const taken = new Set<string>();
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    kubeward: VERSION,
    collectedAt: cp.scannedAt ?? new Date().toISOString(),
    source: o.source ?? [...new Set([...cp.hosts.map((h) => h.root), ...(cp.cluster?.server ? [cp.cluster.server] : [])])].join(', '),
    problems: cp.problems,
    partial: cp.partial,
    hosts: cp.hosts.map((h) => ({ name: h.name, file: safeFileName(h.name, taken) })),
  };
  if (cp.version) manifest.version = cp.version;
  const files = new Map<string, unknown>();
  cp.hosts.forEach((h, i) => files.set(manifest.hosts[i]!.file, h));
  if (cp.cluster) files.set((manifest.cluster = 'cluster.json'), cp.cluster);
  if (cp.rbac) files.set((manifest.rbac = 'rbac.json'), cp.rbac);
  files.set('manifest.json', manifest);

  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(join(tmp, 'hosts'), { recursive: true, mode: 0o700 });
    for (const [name, value] of files) {
      const text = `${JSON.stringify(value, null, 1)}\n`;
      assertSecretFree(name, text);
      await writeFile(join(tmp, name), text, { mode: 0o600 });
    }
    if (state !== 'missing') await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return manifest;
}

async function readJson(dir: string, name: string): Promise<unknown> {
  const file = join(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`snapshot ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`snapshot ${file}: not valid JSON (${(e as Error).message})`);
  }
}

function expect(ok: boolean, file: string, what: string): void {
  if (!ok) throw new InputError(`snapshot ${file}: ${what}`);
}

/** Facts read back from a snapshot are cited as such, keeping the file, line and object they came from. */
function fromSnapshot(at: Location): Location {
  return { ...at, kind: 'snapshot' };
}

function relocateComponent(c: Component): void {
  c.at = fromSnapshot(c.at);
  for (const settings of [c.flags, c.env]) {
    for (const s of Object.values(settings)) {
      s.at = fromSnapshot(s.at);
      for (const occ of s.occurrences) occ.at = fromSnapshot(occ.at);
    }
  }
  for (const f of Object.values(c.config?.fields ?? {})) f.at = fromSnapshot(f.at);
}

function checkHost(v: unknown, file: string): Host {
  expect(isRecord(v), file, 'not a host object');
  const h = v as Record<string, unknown>;
  expect(typeof h.name === 'string', file, 'host has no name');
  expect(Array.isArray(h.components), file, 'host has no components list');
  expect(isRecord(h.files), file, 'host has no files map');
  for (const c of h.components as unknown[]) {
    expect(isRecord(c) && typeof c.kind === 'string' && isRecord(c.flags) && isRecord(c.at), file, 'a component lacks kind, flags or location');
  }
  const host = v as Host;
  host.cni ??= [];
  host.addresses ??= [];
  for (const c of host.components) {
    c.env ??= {};
    c.mounts ??= [];
  }
  return host;
}

/** Reads one snapshot folder into a model; its hosts are shown as read from `dir`. */
export async function readSnapshot(dir: string): Promise<ControlPlane> {
  const manifestFile = join(dir, 'manifest.json');
  const m = await readJson(dir, 'manifest.json');
  expect(isRecord(m) && m.format === SNAPSHOT_FORMAT, manifestFile, `not a kubeward snapshot (format is not "${SNAPSHOT_FORMAT}")`);
  const manifest = m as SnapshotManifest;
  expect(
    manifest.formatVersion === SNAPSHOT_FORMAT_VERSION,
    manifestFile,
    `snapshot format version ${String(manifest.formatVersion)} is not supported by kubeward ${VERSION} (it reads version ${SNAPSHOT_FORMAT_VERSION})`,
  );
  expect(Array.isArray(manifest.hosts), manifestFile, 'no hosts list');
  const cp: ControlPlane = {
    hosts: [],
    problems: Array.isArray(manifest.problems) ? manifest.problems : [],
    partial: Array.isArray(manifest.partial) ? manifest.partial : [],
    scannedAt: manifest.collectedAt,
  };
  if (manifest.version) cp.version = manifest.version;
  for (const entry of manifest.hosts) {
    expect(isRecord(entry) && typeof entry.file === 'string' && !entry.file.includes('..'), manifestFile, 'a hosts entry has no usable file');
    const host = checkHost(await readJson(dir, entry.file), join(dir, entry.file));
    host.root = dir;
    host.components.forEach(relocateComponent);
    cp.hosts.push(host);
  }
  if (typeof manifest.cluster === 'string') {
    const file = join(dir, manifest.cluster);
    const cluster = await readJson(dir, manifest.cluster);
    expect(isRecord(cluster) && Array.isArray(cluster.nodes) && Array.isArray(cluster.webhooks), file, 'not cluster facts');
    cp.cluster = cluster as ClusterFacts;
  }
  if (typeof manifest.rbac === 'string') {
    const rbac = await readJson(dir, manifest.rbac);
    expect(Array.isArray(rbac), join(dir, manifest.rbac), 'not a list of RBAC objects');
    cp.rbac = rbac as RbacObject[];
  }
  return cp;
}
