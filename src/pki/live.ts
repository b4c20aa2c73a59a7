/**
 * The small live variant of the inventory: the certificates of one kubeconfig file (embedded or by
 * path) and the certificates the cluster issued through CertificateSigningRequests.
 * @kubernetes/client-node is imported here only, on demand.
 */
import { resolve } from 'node:path';
import type { Host, InputProblem } from '../model/control-plane.js';
import { describeFile } from '../sources/files.js';
import type { NodeContext } from '../sources/node-fs.js';
import { blockDer, certificateFacts, pemBlocks } from '../sources/pem.js';
import type { InventoryItem } from './inventory.js';

/** The kubeconfig file as a one-file host (its CA and client certificate, embedded or referenced). */
export async function kubeconfigHost(path: string): Promise<{ host: Host; problems: InputProblem[] }> {
  const ctx: NodeContext = { root: '/', host: 'kubeconfig', problems: [], files: {} };
  await describeFile(ctx, resolve(path), 'kubeconfig', { practice: 'tls' });
  return { host: { name: 'kubeconfig', root: 'live', components: [], files: ctx.files, cni: [], addresses: [] }, problems: ctx.problems };
}

export interface IssuedCertificates {
  items: InventoryItem[];
  /** DER of the issued certificates */
  ders: Uint8Array[];
  /** CSRs without an issued certificate: name, signer, requester, state */
  open: { name: string; signerName: string; username: string; state: string }[];
}

/** Certificates issued through CSRs (status.certificate) as inventory items, and the CSRs still open. */
export async function issuedCertificates(kubeconfig: string, context?: string): Promise<IssuedCertificates> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  if (context) kc.setCurrentContext(context);
  const api = kc.makeApiClient(k8s.CertificatesV1Api);
  const list = await api.listCertificateSigningRequest();
  const out: IssuedCertificates = { items: [], ders: [], open: [] };
  for (const csr of list.items) {
    const name = csr.metadata?.name ?? '';
    const state = (csr.status?.conditions ?? []).map((c) => c.type).join(',') || 'Pending';
    const username = csr.spec.username ?? '';
    if (!csr.status?.certificate) {
      out.open.push({ name, signerName: csr.spec.signerName, username, state });
      continue;
    }
    const pem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
    certificateFacts(pem).forEach((cert, index) => {
      out.items.push({ host: 'cluster', location: `CertificateSigningRequest/${name}`, object: `CertificateSigningRequest/${name}`, file: null, line: null, index, cert, usedBy: [`issued to ${username} (${csr.spec.signerName})`], chain: 'issuer-not-found' });
    });
    for (const b of pemBlocks(pem).blocks) {
      if (b.label !== 'CERTIFICATE') continue;
      try {
        out.ders.push(blockDer(b));
      } catch {
        // not base64: certificateFacts left it out too
      }
    }
  }
  return out;
}
