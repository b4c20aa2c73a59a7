/**
 * Test PKI made by the real `openssl` binary (EC P-256): CAs and leaf certificates written to a
 * directory the test owns. Shared helper: etcd, TLS-probe and PKI tests reuse it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertFiles {
  cert: string;
  key: string;
}

export interface LeafOptions {
  cn: string;
  /** "IP:127.0.0.1", "DNS:localhost", ... */
  sans?: string[];
  usage: 'server' | 'client' | 'both';
  organizations?: string[];
  days?: number;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0] ?? ''} failed: ${err.stderr?.toString() ?? err.message}`);
  }
}

/** A temporary directory for one test file's PKI; remove it with `rmPki` in afterAll. */
export function pkiDir(prefix = 'kubeward-pki-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function rmPki(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A self-signed CA: `<dir>/<name>.crt` and `<name>.key`. */
export function createCa(dir: string, name: string, cn = name, days = 3650): CertFiles {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  openssl([
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', files.key, '-out', files.cert, '-days', String(days), '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return files;
}

/** A leaf certificate signed by `ca`: `<dir>/<name>.crt` and `<name>.key`. */
export function issueCert(ca: CertFiles, dir: string, name: string, o: LeafOptions): CertFiles {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  const subject = `${(o.organizations ?? []).map((org) => `/O=${org}`).join('')}/CN=${o.cn}`;
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', files.key, '-out', csr, '-subj', subject]);
  const eku = o.usage === 'server' ? 'serverAuth' : o.usage === 'client' ? 'clientAuth' : 'serverAuth,clientAuth';
  const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${eku}`];
  if (o.sans && o.sans.length > 0) lines.push(`subjectAltName=${o.sans.join(',')}`);
  writeFileSync(ext, `${lines.join('\n')}\n`);
  openssl([
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', String(o.days ?? 365), '-sha256', '-extfile', ext, '-out', files.cert,
  ]);
  rmSync(csr);
  rmSync(ext);
  return files;
}

/** An intermediate CA signed by `parent` (root → intermediate → leaf chains): `<dir>/<name>.crt` and `<name>.key`. */
export function createIntermediateCa(parent: CertFiles, dir: string, name: string, cn = name, days = 1825): CertFiles {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', files.key, '-out', csr, '-subj', `/CN=${cn}`]);
  writeFileSync(ext, 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl([
    'x509', '-req', '-in', csr, '-CA', parent.cert, '-CAkey', parent.key, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', String(days), '-sha256', '-extfile', ext, '-out', files.cert,
  ]);
  rmSync(csr);
  rmSync(ext);
  return files;
}
