/** `pki inventory`: read the inputs, list every certificate, verify chains, judge. */
import type { ControlPlane, InputProblem } from '../model/control-plane.js';
import type { Finding } from '../model/finding.js';
import { inventoryFindings } from './findings.js';
import { collectInventory, sortByExpiry, verifyChains, type InventoryItem } from './inventory.js';
import { fingerprintOf, readCertificateStore } from './pem-store.js';
import type { IssuedCertificates } from './live.js';

export interface InventoryInputs {
  nodeRoots: string[];
  snapshots: string[];
  kubeconfig?: string;
  context?: string;
}

export interface InventoryOptions {
  warnDays: number;
  now?: Date;
}

export interface InventoryReport {
  generatedAt: string;
  items: InventoryItem[];
  findings: Finding[];
  problems: InputProblem[];
  /** live: CSRs without an issued certificate */
  openCsrs?: IssuedCertificates['open'];
}

/** The inventory of a model already read (node roots, snapshots), plus extra items and PEMs (live CSRs). */
export function inventoryOfModel(cp: ControlPlane, o: InventoryOptions, extra: { items: InventoryItem[]; ders: Uint8Array[] } = { items: [], ders: [] }): InventoryReport {
  const now = o.now ?? new Date();
  const { store, embeddedKeys } = readCertificateStore(cp);
  const pems = new Map(store);
  for (const der of extra.ders) pems.set(fingerprintOf(der), der);
  const items = [...collectInventory(cp, embeddedKeys), ...extra.items];
  verifyChains(items, pems);
  return { generatedAt: now.toISOString(), items: sortByExpiry(items), findings: inventoryFindings(items, { now: now.getTime(), warnDays: o.warnDays }), problems: cp.problems };
}

export async function runInventory(inputs: InventoryInputs, o: InventoryOptions): Promise<InventoryReport> {
  const cp: ControlPlane = { hosts: [], problems: [], partial: [] };
  if (inputs.nodeRoots.length || inputs.snapshots.length) {
    const { loadControlPlane } = await import('../scan.js');
    const read = await loadControlPlane({ nodeRoots: inputs.nodeRoots, snapshots: inputs.snapshots });
    cp.hosts.push(...read.hosts);
    cp.problems.push(...read.problems);
    if (read.version) cp.version = read.version;
  }
  if (inputs.kubeconfig === undefined) return inventoryOfModel(cp, o);
  const { kubeconfigHost, issuedCertificates } = await import('./live.js');
  const kc = await kubeconfigHost(inputs.kubeconfig);
  cp.hosts.push(kc.host);
  cp.problems.push(...kc.problems);
  let issued: IssuedCertificates = { items: [], ders: [], open: [] };
  try {
    issued = await issuedCertificates(inputs.kubeconfig, inputs.context);
  } catch (e) {
    // the kubeconfig's own certificates are still worth listing when the API server cannot be asked
    const code = (e as { code?: unknown }).code;
    cp.problems.push({ host: 'cluster', practice: 'tls', object: 'CertificateSigningRequests', message: `could not list CertificateSigningRequests: ${typeof code === 'number' ? `HTTP ${code}` : (e as Error).message}` });
  }
  const report = inventoryOfModel(cp, o, issued);
  report.openCsrs = issued.open;
  return report;
}
