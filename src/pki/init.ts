/**
 * `pki init`: a kubeadm-compatible PKI with a separate etcd CA, written all-or-nothing (into a
 * temp directory beside the target, then renamed into place).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, chmodSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CAS, kubeadmLeaves, type CaName, type LayoutOptions, type LeafSpec } from './kubeadm.js';
import { writePkiFiles, type PkiFile } from './files.js';
import { certificatePem, generateKeyPair, issueCertificate, sanExtension, x509, type KeyPair, type KeyType, type Signer } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;
/** kubeadm: CAs 10 years, leaves 1 year (constants.CACertificateValidityPeriod, CertificateValidityPeriod) */
export const CA_DAYS = 3650;
export const LEAF_DAYS = 365;
/** kubeadm backdates NotBefore so a slightly slow clock elsewhere accepts new certificates (constants.CertificateBackdate) */
export const BACKDATE_MS = 5 * 60 * 1000;

export interface InitOptions extends LayoutOptions {
  out: string;
  keyType: KeyType;
  force: boolean;
  /** for tests: the time certificates start from */
  now?: Date;
}

export interface InitResult {
  out: string;
  files: { path: string; mode: number }[];
  /** where the previous PKI went, with --force */
  backup?: string;
}

const EKU_OID = { serverAuth: x509.ExtendedKeyUsage.serverAuth, clientAuth: x509.ExtendedKeyUsage.clientAuth } as const;

export function caExtensions(): x509.Extension[] {
  // client-go util/cert NewSelfSignedCACert: CA:TRUE, keyEncipherment|digitalSignature|certSign, both critical
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign, true),
  ];
}

export function leafExtensions(spec: Pick<LeafSpec, 'ekus' | 'sans'>, key: KeyPair): x509.Extension[] {
  // keyEncipherment only means something for RSA key transport; ECDSA keys only sign
  const usages = x509.KeyUsageFlags.digitalSignature | (key.signingAlgorithm.name === 'ECDSA' ? 0 : x509.KeyUsageFlags.keyEncipherment);
  const exts: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension(spec.ekus.map((e) => EKU_OID[e]), false),
  ];
  const san = sanExtension(spec.sans);
  if (san) exts.push(san);
  return exts;
}

function subjectOf(commonName: string, organizations: string[]): x509.JsonName {
  // Go's pkix.Name puts O before CN; so does kubeadm's output
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

async function makeCa(commonName: string, keyType: KeyType, notBefore: Date): Promise<Signer> {
  const key = await generateKeyPair(keyType);
  const certificate = await issueCertificate({
    subject: subjectOf(commonName, []),
    publicKey: key.publicKey,
    selfKey: key,
    notBefore,
    notAfter: new Date(notBefore.getTime() + BACKDATE_MS + CA_DAYS * DAY),
    extensions: caExtensions(),
  });
  return { certificate, key };
}

/** Builds every file of the PKI in memory. */
export async function buildPki(o: Omit<InitOptions, 'out' | 'force'>): Promise<PkiFile[]> {
  const now = o.now ?? new Date();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const leaves = kubeadmLeaves(o);
  const cas = await Promise.all(CAS.map((spec) => makeCa(spec.name === 'ca' ? o.clusterName : spec.commonName, o.keyType, notBefore)));
  const signers = new Map<CaName, Signer>(CAS.map((spec, i) => [spec.name, cas[i]!]));
  const files: PkiFile[] = [];
  CAS.forEach((spec, i) => {
    const ca = cas[i]!;
    files.push({ path: `${spec.file}.crt`, content: certificatePem(ca.certificate), secret: false });
    files.push({ path: `${spec.file}.key`, content: ca.key.privatePem, secret: true });
  });
  const issued = await Promise.all(
    leaves.map(async (spec) => {
      const key = await generateKeyPair(o.keyType);
      const cert = await issueCertificate({
        subject: subjectOf(spec.commonName, spec.organizations),
        publicKey: key.publicKey,
        signer: signers.get(spec.ca)!,
        notBefore,
        notAfter: new Date(notBefore.getTime() + BACKDATE_MS + LEAF_DAYS * DAY),
        extensions: leafExtensions(spec, key),
      });
      return { spec, key, cert };
    }),
  );
  for (const { spec, key, cert } of issued) {
    files.push({ path: `${spec.file}.crt`, content: certificatePem(cert), secret: false });
    files.push({ path: `${spec.file}.key`, content: key.privatePem, secret: true });
  }
  // the service-account token signing pair (kubeadm phases/certs: CreateServiceAccountKeyAndPublicKeyFiles)
  const sa = await generateKeyPair(o.keyType);
  files.push({ path: 'sa.key', content: sa.privatePem, secret: true });
  files.push({ path: 'sa.pub', content: sa.publicPem, secret: false });
  return files;
}

function isEmptyDir(dir: string): boolean {
  return readdirSync(dir).length === 0;
}

/**
 * Writes a new PKI to `o.out`. An existing non-empty directory is refused unless `force`, in
 * which case it is moved aside (not deleted) to `<out>.bak-<time>`.
 */
export async function initPki(o: InitOptions): Promise<InitResult> {
  const out = resolve(o.out);
  const exists = existsSync(out);
  if (exists && !statSync(out).isDirectory()) throw new PkiExistsError(`${out} exists and is not a directory`);
  if (exists && !isEmptyDir(out) && !o.force) {
    throw new PkiExistsError(`${out} already holds files (a PKI?); refusing to overwrite it without --force`);
  }
  const files = await buildPki(o);
  const parent = dirname(out);
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  const tmp = mkdtempSync(join(parent, `.${basename(out)}.kubeward-`));
  try {
    chmodSync(tmp, 0o755);
    writePkiFiles(tmp, files);
    let backup: string | undefined;
    if (exists) {
      if (isEmptyDir(out)) rmSync(out, { recursive: true });
      else {
        backup = `${out}.bak-${timestamp(o.now ?? new Date())}`;
        renameSync(out, backup);
      }
    }
    renameSync(tmp, out);
    const result: InitResult = { out, files: files.map((f) => ({ path: f.path, mode: f.secret ? 0o600 : 0o644 })) };
    if (backup) result.backup = backup;
    return result;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export class PkiExistsError extends Error {
  override readonly name = 'PkiExistsError';
}

/** 20240131T120000Z: sortable, safe in file names. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
