/**
 * The safe answer to kubelet-serving CSRs, which the built-in approver never approves: approve one
 * only when the requester is that node and every name it asks for is that Node's own address.
 * The request checks follow pkg/apis/certificates/helpers.go (ValidateKubeletServingCSR: O exactly
 * system:nodes, CN system:node:<name>, no email or URI SANs, at least one DNS name or IP, usages
 * exactly {digital signature, server auth} or {digital signature, key encipherment, server auth});
 * the SAN-to-Node check is what the insecure approvers people install leave out.
 */
import { x509 } from './x509.js';

export const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
const NODE_PREFIX = 'system:node:';
const ALLOWED_USAGES = [
  ['digital signature', 'server auth'],
  ['digital signature', 'key encipherment', 'server auth'],
].map((u) => u.join(','));

/** What a PKCS#10 request asks for. */
export interface ParsedRequest {
  commonName?: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  /** email, URI and other SAN kinds */
  otherNames: string[];
  /** the request is signed by the key it carries */
  signatureValid: boolean;
}

/** Parses a PEM CSR (spec.request, base64-decoded) with @peculiar/x509. Throws when it is not one. */
export async function parseRequest(pem: string): Promise<ParsedRequest> {
  const req = new x509.Pkcs10CertificateRequest(pem);
  const name = req.subjectName.toJSON();
  const values = (type: string): string[] => name.flatMap((rdn) => rdn[type] ?? []);
  const out: ParsedRequest = { organizations: values('O'), dnsNames: [], ipAddresses: [], otherNames: [], signatureValid: await req.verify() };
  const cn = values('CN')[0];
  if (cn !== undefined) out.commonName = cn;
  // getExtension on a CSR takes the OID string only (deps.md §3)
  const san = req.getExtension('2.5.29.17');
  if (san) {
    for (const n of new x509.SubjectAlternativeNameExtension(san.rawData).names.items) {
      if (n.type === 'dns') out.dnsNames.push(n.value);
      else if (n.type === 'ip') out.ipAddresses.push(n.value);
      else out.otherNames.push(`${n.type}:${n.value}`);
    }
  }
  return out;
}

export interface CsrView {
  name: string;
  signerName: string;
  username: string;
  groups: string[];
  usages: string[];
  /** Approved / Denied / Failed */
  conditions: string[];
}

export interface NodeView {
  name: string;
  addresses: { type: string; address: string }[];
}

export type Verdict =
  | { action: 'skip'; reason: string }
  | { action: 'approve'; reason: string }
  | { action: 'deny'; reason: string; problems: string[] };

/** Compares IPs textually after normalising IPv6 (the API and CSRs may spell them differently). */
function normalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
}

/**
 * The decision for one CSR. `node` is the Node object named by the requester (undefined: none).
 * Only pending kubelet-serving CSRs get a verdict other than skip.
 */
export function judgeServingCsr(csr: CsrView, request: ParsedRequest | { error: string }, node: NodeView | undefined): Verdict {
  if (csr.signerName !== KUBELET_SERVING) return { action: 'skip', reason: `signer ${csr.signerName} is not ${KUBELET_SERVING}` };
  if (csr.conditions.some((c) => c === 'Approved' || c === 'Denied' || c === 'Failed')) return { action: 'skip', reason: `already ${csr.conditions.join(',')}` };
  const problems: string[] = [];
  const nodeName = csr.username.startsWith(NODE_PREFIX) ? csr.username.slice(NODE_PREFIX.length) : undefined;
  if (!nodeName) problems.push(`requester ${csr.username || '(none)'} is not a node identity (system:node:<name>)`);
  if (!csr.groups.includes('system:nodes')) problems.push('requester is not in group system:nodes');
  const usages = [...new Set(csr.usages)].sort().join(',');
  if (!ALLOWED_USAGES.includes(usages)) problems.push(`usages ${csr.usages.join(', ') || '(none)'} are not exactly server auth + digital signature [+ key encipherment]`);
  if ('error' in request) {
    problems.push(`spec.request is not a PKCS#10 request: ${request.error}`);
    return { action: 'deny', reason: problems.join('; '), problems };
  }
  if (!request.signatureValid) problems.push('the request is not signed by the key it carries');
  if (request.organizations.join(',') !== 'system:nodes') problems.push(`subject O is ${request.organizations.join(',') || '(none)'}, not exactly system:nodes`);
  if (nodeName && request.commonName !== csr.username) problems.push(`subject CN ${request.commonName ?? '(none)'} is not the requester ${csr.username}`);
  if (request.otherNames.length) problems.push(`asks for email/URI names: ${request.otherNames.join(', ')}`);
  if (request.dnsNames.length + request.ipAddresses.length === 0) problems.push('asks for no DNS name or IP address');
  if (nodeName && !node) problems.push(`there is no Node ${nodeName} to compare the requested names with`);
  if (node) {
    const dns = new Set(node.addresses.filter((a) => /DNS|Hostname/.test(a.type)).map((a) => a.address.toLowerCase()));
    const ips = new Set(node.addresses.filter((a) => /IP$/.test(a.type)).map((a) => normalIp(a.address)));
    const foreignDns = request.dnsNames.filter((d) => !dns.has(d.toLowerCase()));
    const foreignIps = request.ipAddresses.filter((ip) => !ips.has(normalIp(ip)));
    if (foreignDns.length) problems.push(`DNS names not among Node ${node.name}'s addresses: ${foreignDns.join(', ')}`);
    if (foreignIps.length) problems.push(`IP addresses not among Node ${node.name}'s addresses: ${foreignIps.join(', ')}`);
  }
  if (problems.length) return { action: 'deny', reason: problems.join('; '), problems };
  return { action: 'approve', reason: `requested by node ${nodeName!} for its own addresses (${[...request.dnsNames, ...request.ipAddresses].join(', ')})` };
}
