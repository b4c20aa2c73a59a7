/**
 * Reading one node's files: every path is a display path relative to the node root ("etc/kubernetes/
 * pki/ca.crt"); symlinks are followed inside the root, as the node itself would follow them (kubelet's
 * kubelet-client-current.pem is an absolute symlink). Failures become InputProblems, never throws.
 */
// Synchronous fs calls on purpose: a scan reads a few dozen small local files one after another, and
// the promise API costs several times the CPU per file (file handles, fstat, chunked reads), which
// shows in the scan's start-up budget. readNodeRoot stays async for its callers.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';
import type { InputProblem, Location, NodeFile } from '../model/control-plane.js';
import type { Practice } from '../model/finding.js';

export interface NodeContext {
  /** absolute path of the node root on this machine */
  root: string;
  host: string;
  problems: InputProblem[];
  files: Record<string, NodeFile>;
  /** uid/gid → name from the node's etc/passwd and etc/group, loaded once */
  accounts?: Accounts;
  /** symlink targets by host path ("" for a non-link, null for a missing path) */
  links?: Map<string, string | null>;
  /** hostPathOf's answers by display path: a file is stat'ed, then read, through the same walk */
  hostPaths?: Map<string, string>;
}

export interface Accounts {
  users: Map<number, string>;
  groups: Map<number, string>;
}

/** What a problem is about, so the `input/unreadable` finding can say it. */
export interface About {
  component?: string;
  practice?: Practice;
  /** the flag or field that named the file */
  flag?: string;
  /** where that flag or field was set: a missing file is reported there, where it can be fixed */
  at?: Location;
}

export function addProblem(ctx: NodeContext, about: About, message: string, file?: string, line?: number): void {
  const p: InputProblem = { host: ctx.host, message, practice: about.practice ?? 'tls' };
  if (file !== undefined) p.file = file;
  if (line !== undefined) p.line = line;
  if (about.component) p.component = about.component;
  ctx.problems.push(p);
}

/** A display path: node-absolute or relative, normalised, without the leading slash. */
export function toDisplay(path: string): string {
  return posix.normalize(`/${path}`).replace(/^\/+/, '');
}

/** This machine's path for a node path, following symlinks inside the node root. */
export function hostPathOf(ctx: NodeContext, display: string): string {
  if (ctx.root === '/') return `/${display}`;
  ctx.hostPaths ??= new Map();
  let path = ctx.hostPaths.get(display);
  if (path === undefined) {
    path = walkInRoot(ctx, display);
    ctx.hostPaths.set(display, path);
  }
  return path;
}

function walkInRoot(ctx: NodeContext, display: string): string {
  // the parent's walk is remembered: only the last part is new (thousands of files in one directory)
  const slash = display.lastIndexOf('/');
  const name = display.slice(slash + 1);
  if (slash > 0 && name !== '' && name !== '.' && name !== '..') {
    const full = `${hostPathOf(ctx, display.slice(0, slash))}/${name}`;
    const target = linkOf(ctx, full);
    if (target === '' || target === null) return full;
  }
  const rest = display.split('/').filter((p) => p.length > 0);
  let cur: string[] = [];
  let hops = 0;
  while (rest.length > 0) {
    const part = rest.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      cur.pop();
      continue;
    }
    const next = [...cur, part];
    const full = posix.join(ctx.root, ...next);
    const target = linkOf(ctx, full);
    if (target === null) return posix.join(ctx.root, ...next, ...rest);
    if (target === '' || ++hops > 40) {
      cur = next;
      continue;
    }
    if (target.startsWith('/')) cur = [];
    rest.unshift(...target.split('/').filter((p) => p.length > 0));
  }
  return posix.join(ctx.root, ...cur);
}

/** A path's symlink target, "" when it is not a link, null when it does not exist. */
function linkOf(ctx: NodeContext, full: string): string | null {
  ctx.links ??= new Map();
  let target = ctx.links.get(full);
  if (target === undefined) {
    try {
      target = lstatSync(full).isSymbolicLink() ? readlinkSync(full) : '';
    } catch {
      target = null;
    }
    ctx.links.set(full, target);
  }
  return target;
}

export function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    default:
      return err.message ?? String(e);
  }
}

export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

const MAX_TEXT = 16 * 1024 * 1024;

/** A file's bytes, or why not. */
export function readBytes(ctx: NodeContext, display: string): { ok: true; bytes: Buffer } | { ok: false; missing: boolean; error: string } {
  try {
    const bytes = readFileSync(hostPathOf(ctx, display));
    if (bytes.length > MAX_TEXT) return { ok: false, missing: false, error: `larger than ${MAX_TEXT} bytes` };
    return { ok: true, bytes };
  } catch (e) {
    return { ok: false, missing: isMissing(e), error: errorText(e) };
  }
}

/** Text content, or undefined (a problem is recorded unless the file is optional and missing). */
export function readText(ctx: NodeContext, display: string, about: About, optional = false): string | undefined {
  const r = readBytes(ctx, display);
  if (!r.ok) {
    if (!(optional && r.missing)) addProblem(ctx, about, `cannot read ${display}${about.flag ? ` (named by ${about.flag})` : ''}: ${r.error}`, display);
    return undefined;
  }
  if (isBinary(r.bytes)) {
    addProblem(ctx, about, `${display} is a binary file, expected text${about.flag ? ` (named by ${about.flag})` : ''}`, display);
    return undefined;
  }
  return r.bytes.toString('utf8');
}

export function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

/** Entry names of a directory, sorted (undefined when it is missing or unreadable). */
export function listDir(ctx: NodeContext, display: string, about?: About): string[] | undefined {
  try {
    return readdirSync(hostPathOf(ctx, display)).sort();
  } catch (e) {
    if (about && !isMissing(e)) addProblem(ctx, about, `cannot list ${display}: ${errorText(e)}`, display);
    return undefined;
  }
}

function parseIds(text: string | undefined): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id) && !m.has(Number(id))) m.set(Number(id), name);
  }
  return m;
}

function optionalText(ctx: NodeContext, display: string): string | undefined {
  const r = readBytes(ctx, display);
  return r.ok ? r.bytes.toString('utf8') : undefined;
}

export function accountsOf(ctx: NodeContext): Accounts {
  ctx.accounts ??= { users: parseIds(optionalText(ctx, 'etc/passwd')), groups: parseIds(optionalText(ctx, 'etc/group')) };
  return ctx.accounts;
}
