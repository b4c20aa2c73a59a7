/**
 * `pki renew`: reissue leaf certificates from the CAs already in a PKI directory, keeping each
 * certificate's subject and extensions (SANs, EKUs, key usage, basic constraints) and its key
 * (or a fresh key of the same kind with `newKey`). The old files are copied to a backup directory
 * first. Like `kubeadm certs renew`, but for any layout: the issuing CA is found by signature.
 */
import { X509Certificate as NodeCertificate, createPublicKey } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { writeAtomic, writePkiFiles, KEY_MODE, CERT_MODE, type PkiFile } from './files.js';
import { BACKDATE_MS, LEAF_DAYS, timestamp } from './init.js';
import { certificatePem, generateKeyPair, importKeyPair, issueCertificate, x509, type KeyPair, type KeyType } from './x509.js';

export interface RenewOptions {
  pkiDir: string;
  /** leaf names (path relative to the PKI dir without ".crt", e.g. "apiserver", "etcd/server"); all leaves when empty */
  only: string[];
  days?: number;
  newKey: boolean;
  /** kubeconfig files whose embedded client certificates (client-certificate-data) are renewed too (admin.conf, controller-manager.conf, ...) */
  kubeconfigs?: string[];
  backupDir?: string;
  now?: Date;
}

export interface RenewedCertificate {
  name: string;
  ca: string;
  notAfter: string;
  newKey: boolean;
}

export interface RenewResult {
  renewed: RenewedCertificate[];
  backup: string;
}

/** A certificate file of the PKI dir. */
interface PkiCert {
  name: string;
  crtPath: string;
  keyPath: string;
  pem: string;
  cert: NodeCertificate;
}

export class RenewError extends Error {
  override readonly name = 'RenewError';
}

function listCrtFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listCrtFiles(p, base));
    else if (e.isFile() && e.name.endsWith('.crt')) out.push(p);
  }
  return out.sort((a, b) => relative(base, a).localeCompare(relative(base, b)));
}

function readPkiCerts(dir: string): PkiCert[] {
  return listCrtFiles(dir).map((crtPath) => {
    const pem = readFileSync(crtPath, 'utf8');
    let cert: NodeCertificate;
    try {
      cert = new NodeCertificate(pem);
    } catch (e) {
      throw new RenewError(`${crtPath}: not a PEM certificate (${(e as Error).message})`);
    }
    return { name: relative(dir, crtPath).replace(/\.crt$/, ''), crtPath, keyPath: crtPath.replace(/\.crt$/, '.key'), pem, cert };
  });
}

/** The CA among `cas` that signed `leaf` (name match and signature). */
function issuerOf(leaf: Pick<PkiCert, 'cert'>, cas: readonly PkiCert[]): PkiCert | undefined {
  return cas.find((ca) => leaf.cert.checkIssued(ca.cert) && leaf.cert.verify(ca.cert.publicKey));
}

/** A fresh key "like" the old one: same algorithm, RSA never below 2048 bits. */
function keyTypeLike(cert: NodeCertificate): KeyType {
  const k = cert.publicKey;
  if (k.asymmetricKeyType === 'rsa') return (k.asymmetricKeyDetails?.modulusLength ?? 0) > 2048 ? 'rsa-3072' : 'rsa-2048';
  return 'ecdsa-p256';
}

function spkiOf(k: ReturnType<typeof createPublicKey>): string {
  return k.export({ type: 'spki', format: 'der' }).toString('hex');
}

const SKI = '2.5.29.14';
const AKI = '2.5.29.35';

async function reissue(old: Pick<PkiCert, 'pem'>, ca: { certificate: x509.X509Certificate; key: KeyPair }, key: KeyPair, notBefore: Date, notAfter: Date): Promise<x509.X509Certificate> {
  const parsed = new x509.X509Certificate(old.pem);
  return issueCertificate({
    subject: parsed.subjectName,
    publicKey: key.publicKey,
    signer: ca,
    notBefore,
    notAfter,
    extensions: parsed.extensions.filter((e) => e.type !== SKI && e.type !== AKI),
  });
}

/** A client certificate embedded in a kubeconfig. */
interface EmbeddedCert {
  name: string;
  file: string;
  userIndex: number;
  pem: string;
  cert: NodeCertificate;
  keyPem?: string;
}

function readEmbedded(file: string): { doc: Document; certs: EmbeddedCert[] } {
  let doc: Document;
  try {
    doc = parseDocument(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RenewError(`${file}: ${(e as Error).message}`);
  }
  if (doc.errors.length) throw new RenewError(`${file}: not YAML (${doc.errors[0]!.message})`);
  const users = doc.toJS() as { users?: { name?: string; user?: Record<string, unknown> }[] } | null;
  const certs: EmbeddedCert[] = [];
  (users?.users ?? []).forEach((u, userIndex) => {
    const data = u.user?.['client-certificate-data'];
    if (typeof data !== 'string') return;
    const pem = Buffer.from(data, 'base64').toString('utf8');
    let cert: NodeCertificate;
    try {
      cert = new NodeCertificate(pem);
    } catch (e) {
      throw new RenewError(`${file} users[${u.name ?? userIndex}]: client-certificate-data is not a certificate (${(e as Error).message})`);
    }
    const key = u.user?.['client-key-data'];
    const entry: EmbeddedCert = { name: `${file} users[${u.name ?? userIndex}]`, file, userIndex, pem, cert };
    if (typeof key === 'string') entry.keyPem = Buffer.from(key, 'base64').toString('utf8');
    certs.push(entry);
  });
  return { doc, certs };
}

function copyWithMode(from: string, to: string, mode: number): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  copyFileSync(from, to);
  chmodSync(to, mode);
}

export async function renewPki(o: RenewOptions): Promise<RenewResult> {
  const dir = resolve(o.pkiDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RenewError(`${dir} is not a directory`);
  const all = readPkiCerts(dir);
  const cas = all.filter((c) => c.cert.ca);
  const leaves = all.filter((c) => !c.cert.ca);
  const unknown = o.only.filter((n) => !leaves.some((l) => l.name === n));
  if (unknown.length) throw new RenewError(`no leaf certificate named ${unknown.join(', ')} in ${dir} (have: ${leaves.map((l) => l.name).join(', ') || 'none'})`);
  const selected = o.only.length ? leaves.filter((l) => o.only.includes(l.name)) : leaves;
  const kubeconfigs = (o.kubeconfigs ?? []).map((f) => ({ file: resolve(f), ...readEmbedded(resolve(f)) }));
  const embedded = kubeconfigs.flatMap((k) => k.certs);
  if (selected.length + embedded.length === 0) throw new RenewError(`no leaf certificates in ${dir}`);

  // check everything before writing anything
  const plan = selected.map((leaf) => {
    const ca = issuerOf(leaf, cas);
    if (!ca) throw new RenewError(`${leaf.name}: none of the CAs in ${dir} issued it; cannot renew`);
    if (!existsSync(ca.keyPath)) throw new RenewError(`${leaf.name}: the key of its CA ${ca.name} (${ca.keyPath}) is missing; refusing to renew (an external CA must reissue it)`);
    if (!o.newKey && !existsSync(leaf.keyPath)) throw new RenewError(`${leaf.name}: its key ${leaf.keyPath} is missing; use --new-key to issue with a fresh key`);
    return { leaf, ca };
  });
  const embeddedPlan = embedded.map((e) => {
    const ca = issuerOf(e, cas);
    if (!ca) throw new RenewError(`${e.name}: none of the CAs in ${dir} issued it; cannot renew`);
    if (!existsSync(ca.keyPath)) throw new RenewError(`${e.name}: the key of its CA ${ca.name} (${ca.keyPath}) is missing; refusing to renew`);
    if (!o.newKey && !e.keyPem) throw new RenewError(`${e.name}: no client-key-data; use --new-key to issue with a fresh key`);
    return { e, ca };
  });

  const now = o.now ?? new Date();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(notBefore.getTime() + BACKDATE_MS + (o.days ?? LEAF_DAYS) * 24 * 60 * 60 * 1000);
  const caKeys = new Map<string, { certificate: x509.X509Certificate; key: KeyPair }>();
  const files: PkiFile[] = [];
  const renewed: RenewedCertificate[] = [];
  const signerOf = async (ca: PkiCert): Promise<{ certificate: x509.X509Certificate; key: KeyPair }> => {
    let signer = caKeys.get(ca.name);
    if (!signer) {
      signer = { certificate: new x509.X509Certificate(ca.pem), key: await importKeyPair(readFileSync(ca.keyPath, 'utf8')) };
      if (spkiOf(createPublicKey(signer.key.publicPem)) !== spkiOf(ca.cert.publicKey)) throw new RenewError(`${ca.keyPath} does not match ${ca.crtPath}; refusing to renew`);
      caKeys.set(ca.name, signer);
    }
    return signer;
  };
  for (const { leaf, ca } of plan) {
    const signer = await signerOf(ca);
    const key = o.newKey ? await generateKeyPair(keyTypeLike(leaf.cert)) : await importKeyPair(readFileSync(leaf.keyPath, 'utf8'));
    if (!o.newKey && spkiOf(createPublicKey(key.publicPem)) !== spkiOf(leaf.cert.publicKey)) {
      throw new RenewError(`${leaf.keyPath} does not match ${leaf.crtPath}; use --new-key to issue with a fresh key`);
    }
    const cert = await reissue(leaf, signer, key, notBefore, notAfter);
    files.push({ path: relative(dir, leaf.crtPath), content: certificatePem(cert), secret: false });
    if (o.newKey) files.push({ path: relative(dir, leaf.keyPath), content: key.privatePem, secret: true });
    renewed.push({ name: leaf.name, ca: ca.name, notAfter: cert.notAfter.toISOString(), newKey: o.newKey });
  }

  for (const { e, ca } of embeddedPlan) {
    const key = o.newKey ? await generateKeyPair(keyTypeLike(e.cert)) : await importKeyPair(e.keyPem!);
    if (!o.newKey && spkiOf(createPublicKey(key.publicPem)) !== spkiOf(e.cert.publicKey)) throw new RenewError(`${e.name}: client-key-data does not match client-certificate-data; use --new-key`);
    const cert = await reissue(e, await signerOf(ca), key, notBefore, notAfter);
    const doc = kubeconfigs.find((k) => k.file === e.file)!.doc;
    doc.setIn(['users', e.userIndex, 'user', 'client-certificate-data'], Buffer.from(certificatePem(cert)).toString('base64'));
    if (o.newKey) doc.setIn(['users', e.userIndex, 'user', 'client-key-data'], Buffer.from(key.privatePem).toString('base64'));
    renewed.push({ name: e.name, ca: ca.name, notAfter: cert.notAfter.toISOString(), newKey: o.newKey });
  }

  const backup = resolve(o.backupDir ?? join(dirname(dir), `${basename(dir)}-backup-${timestamp(now)}`));
  mkdirSync(backup, { recursive: true, mode: 0o700 });
  chmodSync(backup, 0o700);
  for (const { leaf } of plan) {
    copyWithMode(leaf.crtPath, join(backup, relative(dir, leaf.crtPath)), CERT_MODE);
    if (existsSync(leaf.keyPath)) copyWithMode(leaf.keyPath, join(backup, relative(dir, leaf.keyPath)), KEY_MODE);
  }
  for (const k of kubeconfigs) {
    if (k.certs.length === 0) continue;
    const mode = statSync(k.file).mode & 0o777;
    copyWithMode(k.file, join(backup, 'kubeconfigs', basename(k.file)), mode);
    writeAtomic(k.file, k.doc.toString(), mode);
  }
  writePkiFiles(dir, files);
  return { renewed, backup };
}
