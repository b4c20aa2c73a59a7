/**
 * NodeFile facts for the files components point to: stat (mode, owner) and, by what the file is,
 * certificate/key facts, kubeconfig facts, encryption-config facts, a parsed config document, or an
 * entry count. One bad file becomes a problem and an `error` on its NodeFile; reading goes on.
 */
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import type { NodeFile } from '../model/control-plane.js';
import { encryptionConfigFacts } from './encryption-config.js';
import { EMBEDDED, kubeconfigFacts } from './kubeconfig.js';
import { accountsOf, addProblem, errorText, hostPathOf, isMissing, listDir, readText, toDisplay, type About, type NodeContext } from './node-fs.js';
import { pemFacts } from './pem.js';
import { parseDocuments } from './yaml-doc.js';

export type FileKind = 'pem' | 'kubeconfig' | 'encryption-config' | 'document' | 'entries' | 'stat' | 'directory' | 'auto';

export interface DescribeOptions extends About {
  /** maps a node-absolute path named inside the file (kubeconfig CA, client cert) to a display path; default: as is */
  mapPath?: (path: string) => string;
  /** for directories: describe every entry, recursively */
  recursive?: boolean;
  /** a missing file is normal (an output path the component creates): record it, report nothing */
  missingIsNormal?: boolean;
}

/** What an unnamed file probably is, by its name (PKI directories, etc/kubernetes/*.conf). */
function kindByName(display: string): Exclude<FileKind, 'auto'> {
  if (/\.(crt|pem|key|pub|cert|ca)$/.test(display)) return 'pem';
  if (/\.conf$/.test(display) && display.startsWith('etc/kubernetes/')) return 'kubeconfig';
  return 'stat';
}

function named(about: About): string {
  return about.flag ? ` (named by ${about.flag}${about.component ? ` of ${about.component}` : ''})` : '';
}

/** describeNodeFile for callers that await (src/pki/live.ts). */
export function describeFile(ctx: NodeContext, path: string, kind: FileKind, opts: DescribeOptions = {}): Promise<NodeFile> {
  return Promise.resolve(describeNodeFile(ctx, path, kind, opts));
}

/** Stats a node file into host.files (once per path) and reads its facts by kind. */
export function describeNodeFile(ctx: NodeContext, path: string, kind: FileKind, opts: DescribeOptions = {}): NodeFile {
  const display = toDisplay(path);
  const known = ctx.files[display];
  if (known) return known;
  const file: NodeFile = { path: display, exists: false };
  ctx.files[display] = file;
  try {
    const st = statSync(hostPathOf(ctx, display));
    const accounts = accountsOf(ctx);
    file.exists = true;
    file.type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    file.mode = st.mode & 0o7777;
    file.uid = st.uid;
    file.gid = st.gid;
    file.size = st.size;
    const owner = accounts.users.get(st.uid);
    const group = accounts.groups.get(st.gid);
    if (owner) file.owner = owner;
    if (group) file.group = group;
  } catch (e) {
    file.error = errorText(e);
    if (isMissing(e) && opts.missingIsNormal) return file;
    const what = isMissing(e) ? 'does not exist' : `cannot be read: ${file.error}`;
    const where = opts.at?.file ? `${opts.at.file}${opts.at.line ? `:${opts.at.line}` : ''}: ` : '';
    addProblem(ctx, opts, `${where}${display}${named(opts)} ${what}`, opts.at?.file ?? display, opts.at?.file ? opts.at.line : undefined);
    return file;
  }
  if (file.type === 'directory') {
    if (kind === 'directory' || kind === 'auto' || opts.recursive) describeDirectory(ctx, file, opts);
    else if (kind !== 'stat') {
      file.error = 'is a directory';
      addProblem(ctx, opts, `${display}${named(opts)} is a directory, expected a file`, display);
    }
    return file;
  }
  const k: Exclude<FileKind, 'auto'> = kind === 'auto' ? kindByName(display) : kind;
  if (k === 'stat' || k === 'directory' || file.type !== 'file') return file;
  const text = readText(ctx, display, opts);
  if (text === undefined) {
    file.error = 'unreadable';
    return file;
  }
  try {
    switch (k) {
      case 'pem':
        readPem(ctx, file, text, opts);
        break;
      case 'entries':
        file.entryCount = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
        break;
      default:
        readStructured(ctx, file, text, k, opts);
    }
  } catch (e) {
    // content no reader expected (a document of the wrong shape): one bad file must not end the read
    file.error = (e as Error).message;
    addProblem(ctx, opts, `${display}${named(opts)} could not be read as ${k}: ${file.error}`, display);
  }
  return file;
}

function readPem(ctx: NodeContext, file: NodeFile, text: string, opts: DescribeOptions): void {
  const facts = pemFacts(text);
  if (facts.certificates.length > 0) file.certificates = facts.certificates;
  if (facts.privateKey) file.privateKey = facts.privateKey;
  if (facts.publicKey) file.publicKey = facts.publicKey;
  for (const e of facts.errors) addProblem(ctx, opts, `${file.path}:${e.line}: ${e.message}${named(opts)}`, file.path, e.line);
  if (facts.errors.length > 0) file.error = facts.errors[0]!.message;
  else if (!facts.certificates.length && !facts.privateKey && !facts.publicKey && text.trim() !== '') {
    file.error = 'no PEM certificate or key';
    addProblem(ctx, opts, `${file.path}${named(opts)}: no PEM certificate or key in it`, file.path);
  }
}

function readStructured(ctx: NodeContext, file: NodeFile, text: string, kind: 'kubeconfig' | 'encryption-config' | 'document', opts: DescribeOptions): void {
  const parsed = parseDocuments(text);
  if (!parsed.ok) {
    const { line, col, message } = parsed.error;
    file.error = message;
    addProblem(ctx, opts, `${file.path}:${line ?? 1}:${col ?? 1}: ${message}${named(opts)}`, file.path, line);
    return;
  }
  const doc = parsed.docs[0] ?? { value: null, lines: {} };
  if (kind === 'encryption-config') {
    file.encryptionConfig = encryptionConfigFacts(doc);
    file.lines = doc.lines;
  } else if (kind === 'document') {
    file.document = doc.value;
    file.lines = doc.lines;
  } else {
    file.kubeconfig = kubeconfigFacts(doc, (line, message) => addProblem(ctx, opts, `${file.path}:${line ?? 1}: ${message}${named(opts)}`, file.path, line));
    readKubeconfigFiles(ctx, file, opts);
  }
}

/** Describes the CA and client certificate files a kubeconfig names (relative paths: relative to the kubeconfig, as client-go resolves them). */
function readKubeconfigFiles(ctx: NodeContext, file: NodeFile, opts: DescribeOptions): void {
  const kc = file.kubeconfig!;
  const base = posix.dirname(`/${file.path}`);
  const resolve = (p: string): string => (posix.isAbsolute(p) ? (opts.mapPath ?? toDisplay)(p) : toDisplay(posix.join(base, p)));
  // a file the kubeconfig names is reported at the kubeconfig entry that names it
  const about = (field: string, line: number | undefined): DescribeOptions => ({ ...opts, flag: `${field} in ${file.path}`, at: { kind: 'file', file: file.path, ...(line ? { line } : {}) } });
  for (const c of kc.clusters) {
    if (c.certificateAuthority && c.certificateAuthority !== EMBEDDED) {
      c.caCertificates = describeNodeFile(ctx, resolve(c.certificateAuthority), 'pem', about('certificate-authority', c.line)).certificates ?? [];
    }
  }
  for (const u of kc.users) {
    if (u.clientCertificate && u.clientCertificate !== EMBEDDED) {
      u.clientCertificates = describeNodeFile(ctx, resolve(u.clientCertificate), 'pem', about('client-certificate', u.line)).certificates ?? [];
    }
    if (u.clientKey && u.clientKey !== EMBEDDED) describeNodeFile(ctx, resolve(u.clientKey), 'pem', about('client-key', u.line));
  }
}

function describeDirectory(ctx: NodeContext, dir: NodeFile, opts: DescribeOptions): void {
  const names = listDir(ctx, dir.path, opts);
  if (!names) return;
  dir.entries = names.map((n) => `${dir.path}/${n}`);
  if (!opts.recursive) return;
  for (const entry of dir.entries) describeNodeFile(ctx, entry, 'auto', { ...opts, flag: undefined });
}
