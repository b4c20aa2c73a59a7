/**
 * kubeadm's certificate layout: which CAs and leaves, their subjects, EKUs and SANs.
 * cmd/kubeadm/app/phases/certs/certlist.go (GetDefaultCertList, the Kubeadm* certs) and
 * cmd/kubeadm/app/util/pkiutil/pki_helpers.go (GetAPIServerAltNames, GetEtcdAltNames, GetEtcdPeerAltNames).
 * The one deliberate difference from kubeadm's single-node layout: --etcd-member may name several
 * members; each member other than this node gets its server/peer pair under etcd/members/<name>/.
 */
import { isIP } from 'node:net';
import { sanFor } from './x509.js';

export type CaName = 'ca' | 'front-proxy-ca' | 'etcd/ca';
export type Eku = 'serverAuth' | 'clientAuth';

export interface CaSpec {
  name: CaName;
  /** path of the .crt/.key pair, without extension, relative to the PKI dir */
  file: string;
  commonName: string;
}

export interface LeafSpec {
  name: string;
  file: string;
  ca: CaName;
  commonName: string;
  organizations: string[];
  ekus: Eku[];
  /** "DNS:..." / "IP:..." */
  sans: string[];
}

export interface EtcdMember {
  name: string;
  ip: string;
}

export interface LayoutOptions {
  /** CN of the Kubernetes CA (kubeadm: "kubernetes") */
  clusterName: string;
  /** this control-plane node */
  nodeName: string;
  /** extra apiserver SANs (names or IPs), like kubeadm's apiServer.certSANs plus the advertise address */
  apiserverSans: string[];
  etcdMembers: EtcdMember[];
  /** kubeadm's networking.dnsDomain */
  dnsDomain: string;
  /** kubeadm's networking.serviceSubnet; its first address is the `kubernetes` Service IP */
  serviceCidr: string;
}

export const CAS: readonly CaSpec[] = [
  { name: 'ca', file: 'ca', commonName: 'kubernetes' },
  { name: 'front-proxy-ca', file: 'front-proxy-ca', commonName: 'front-proxy-ca' },
  { name: 'etcd/ca', file: 'etcd/ca', commonName: 'etcd-ca' },
];

/**
 * The first address of a Service CIDR (pkg/controlplane/services.go: ServiceIPRange → apiServerServiceIP),
 * IPv4 or IPv6.
 */
export function firstServiceIP(cidr: string): string {
  const [addr, bitsText] = cidr.split('/');
  const family = addr ? isIP(addr) : 0;
  const bits = Number(bitsText);
  if (!addr || family === 0 || !Number.isInteger(bits)) throw new Error(`service CIDR "${cidr}" is not an IP/prefix`);
  const width = family === 4 ? 32 : 128;
  if (bits < 0 || bits >= width) throw new Error(`service CIDR "${cidr}" has no room for a Service IP`);
  const value = family === 4 ? ipv4ToBig(addr) : ipv6ToBig(addr);
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  const first = (value & mask) + 1n;
  return family === 4 ? bigToIpv4(first) : bigToIpv6(first);
}

function ipv4ToBig(a: string): bigint {
  return a.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
}
function bigToIpv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 255n).toString()).join('.');
}
function ipv6ToBig(a: string): bigint {
  const [head = '', tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
}
function bigToIpv6(v: bigint): string {
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((v >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Parses "NAME=IP" (the --etcd-member form). */
export function parseEtcdMember(text: string): EtcdMember {
  const i = text.indexOf('=');
  const name = text.slice(0, i).trim();
  const ip = text.slice(i + 1).trim();
  if (i <= 0 || !name || !isIP(ip)) throw new Error(`--etcd-member "${text}" is not NAME=IP`);
  return { name, ip };
}

function etcdSans(m: EtcdMember): string[] {
  // pkiutil.GetEtcdAltNames: node name, "localhost", the advertise address, loopback v4 and v6
  return unique([sanFor(m.name), 'DNS:localhost', `IP:${m.ip}`, 'IP:127.0.0.1', 'IP:::1']);
}

/** The leaf certificates of a kubeadm control-plane node, in kubeadm's order. */
export function kubeadmLeaves(o: LayoutOptions): LeafSpec[] {
  const apiserverSans = unique([
    sanFor(o.nodeName),
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    `DNS:kubernetes.default.svc.${o.dnsDomain}`,
    `IP:${firstServiceIP(o.serviceCidr)}`,
    ...o.apiserverSans.map(sanFor),
  ]);
  const local = o.etcdMembers.find((m) => m.name === o.nodeName) ?? o.etcdMembers[0];
  if (!local) throw new Error('at least one --etcd-member NAME=IP is needed for the etcd server and peer certificates');
  const leaves: LeafSpec[] = [
    { name: 'apiserver', file: 'apiserver', ca: 'ca', commonName: 'kube-apiserver', organizations: [], ekus: ['serverAuth'], sans: apiserverSans },
    // kubeadm 1.29+ puts this identity in kubeadm:cluster-admins (bound to cluster-admin by RBAC) rather than system:masters
    { name: 'apiserver-kubelet-client', file: 'apiserver-kubelet-client', ca: 'ca', commonName: 'kube-apiserver-kubelet-client', organizations: ['kubeadm:cluster-admins'], ekus: ['clientAuth'], sans: [] },
    { name: 'front-proxy-client', file: 'front-proxy-client', ca: 'front-proxy-ca', commonName: 'front-proxy-client', organizations: [], ekus: ['clientAuth'], sans: [] },
    { name: 'etcd/server', file: 'etcd/server', ca: 'etcd/ca', commonName: local.name, organizations: [], ekus: ['serverAuth', 'clientAuth'], sans: etcdSans(local) },
    { name: 'etcd/peer', file: 'etcd/peer', ca: 'etcd/ca', commonName: local.name, organizations: [], ekus: ['serverAuth', 'clientAuth'], sans: etcdSans(local) },
    { name: 'etcd/healthcheck-client', file: 'etcd/healthcheck-client', ca: 'etcd/ca', commonName: 'kube-etcd-healthcheck-client', organizations: [], ekus: ['clientAuth'], sans: [] },
    { name: 'apiserver-etcd-client', file: 'apiserver-etcd-client', ca: 'etcd/ca', commonName: 'kube-apiserver-etcd-client', organizations: [], ekus: ['clientAuth'], sans: [] },
  ];
  for (const m of o.etcdMembers) {
    if (m === local) continue;
    for (const role of ['server', 'peer']) {
      leaves.push({ name: `etcd/members/${m.name}/${role}`, file: `etcd/members/${m.name}/${role}`, ca: 'etcd/ca', commonName: m.name, organizations: [], ekus: ['serverAuth', 'clientAuth'], sans: etcdSans(m) });
    }
  }
  return leaves;
}
