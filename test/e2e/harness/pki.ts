/**
 * The harness PKI, made with the real `openssl` binary (as kubeadm's certs phase would make it):
 * a Kubernetes CA, a separate etcd CA, a front-proxy CA, and leaf certificates signed by them.
 */
import { execFile } from 'node:child_process';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr ?? err.message}`);
  }
}

export interface CertPair {
  certFile: string;
  keyFile: string;
}

/** A self-signed CA, RSA 2048, ten years. `base` is the path without extension. */
export async function makeCa(base: string, cn: string): Promise<CertPair> {
  const pair = { certFile: `${base}.crt`, keyFile: `${base}.key` };
  await openssl([
    'req', '-x509', '-new', '-nodes', '-newkey', 'rsa:2048', '-sha256', '-days', '3650',
    '-keyout', pair.keyFile, '-out', pair.certFile, '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
  ]);
  await chmod(pair.keyFile, 0o600);
  return pair;
}

export interface LeafOptions {
  /** e.g. "/O=system:masters/CN=admin" */
  subject: string;
  /** serverAuth, clientAuth or both, comma separated */
  extKeyUsage: string;
  /** e.g. "IP:127.0.0.1,DNS:localhost" */
  san?: string;
  days?: number;
}

/** A leaf certificate signed by `ca`. `base` is the path without extension. */
export async function makeLeaf(ca: CertPair, base: string, o: LeafOptions): Promise<CertPair> {
  const pair = { certFile: `${base}.crt`, keyFile: `${base}.key` };
  const ext = `${base}.ext`;
  const csr = `${base}.csr`;
  const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${o.extKeyUsage}`];
  if (o.san) lines.push(`subjectAltName=${o.san}`);
  await writeFile(ext, `${lines.join('\n')}\n`);
  await openssl(['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-sha256', '-keyout', pair.keyFile, '-out', csr, '-subj', o.subject]);
  // a random serial per certificate (-CAcreateserial would race between parallel calls on one CA)
  await openssl([
    'x509', '-req', '-sha256', '-days', String(o.days ?? 365), '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile,
    '-set_serial', `0x${randomSerial()}`, '-out', pair.certFile, '-extfile', ext,
  ]);
  await Promise.all([rm(ext), rm(csr), chmod(pair.keyFile, 0o600)]);
  return pair;
}

function randomSerial(): string {
  return Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('').replace(/^0/, '1');
}

/** An RSA key pair (service-account signing): private key 0600 plus its public half. */
export async function makeKeyPair(dir: string, name: string): Promise<{ keyFile: string; pubFile: string }> {
  const keyFile = join(dir, `${name}.key`);
  const pubFile = join(dir, `${name}.pub`);
  await openssl(['genrsa', '-out', keyFile, '2048']);
  await chmod(keyFile, 0o600);
  await openssl(['rsa', '-in', keyFile, '-pubout', '-out', pubFile]);
  return { keyFile, pubFile };
}
