/**
 * `etcd firewall`: rules that let the etcd client port (2379) be reached only from the API servers
 * and the etcd members, the peer port (2380) only from the members, and the metrics port (2381)
 * only from the monitoring range, on IPv4 and IPv6. Loopback stays open (kubeadm's API server and
 * etcd healthchecks dial 127.0.0.1). Every format is idempotent: applying it twice gives the same
 * ruleset. The nftables text is written in the form `nft list table` prints, so `--diff` against a
 * listing compares like with like.
 */
import { stringify } from 'yaml';
import { formatCidr, normalizeCidrs, parseCidr, type Cidr } from '../net/address.js';

export const FIREWALL_FORMATS = ['nftables', 'iptables', 'networkpolicy', 'calico'] as const;
export type FirewallFormat = (typeof FIREWALL_FORMATS)[number];

export const NFT_TABLE = 'kubeward_etcd';
export const IPTABLES_CHAIN = 'KUBEWARD-ETCD';

export interface FirewallSpec {
  apiservers: Cidr[];
  peers: Cidr[];
  monitoring: Cidr[];
  ports: { client: number; peer: number; metrics: number };
}

export interface FirewallInput {
  apiservers: string[];
  peers: string[];
  monitoring?: string[];
  ports?: Partial<FirewallSpec['ports']>;
}

/** Validates every address and port; the Error names the option and the value. */
export function firewallSpec(i: FirewallInput): FirewallSpec {
  const list = (option: string, values: readonly string[]): Cidr[] =>
    values.map((v) => {
      try {
        return parseCidr(v);
      } catch (e) {
        throw new Error(`${option}: ${(e as Error).message}`);
      }
    });
  const port = (option: string, v: number | undefined, dflt: number): number => {
    const p = v ?? dflt;
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`${option}: "${String(v)}" is not a port number`);
    return p;
  };
  const spec: FirewallSpec = {
    apiservers: list('--apiservers', i.apiservers),
    peers: list('--peers', i.peers),
    monitoring: list('--monitoring', i.monitoring ?? []),
    ports: { client: port('--client-port', i.ports?.client, 2379), peer: port('--peer-port', i.ports?.peer, 2380), metrics: port('--metrics-port', i.ports?.metrics, 2381) },
  };
  if (spec.apiservers.length === 0) throw new Error('--apiservers: at least one API server address is needed (else nobody could use etcd)');
  if (spec.peers.length === 0) throw new Error('--peers: give the etcd members\' addresses (this member too)');
  const ps = [spec.ports.client, spec.ports.peer, spec.ports.metrics];
  if (new Set(ps).size !== 3) throw new Error(`--client-port, --peer-port, --metrics-port must differ (got ${ps.join(', ')})`);
  return spec;
}

interface Rule {
  name: 'clients' | 'peers' | 'metrics';
  port: number;
  allowed: Cidr[];
  /** who needs it, for comments */
  who: string;
}

function rulesOf(s: FirewallSpec): Rule[] {
  return [
    { name: 'clients', port: s.ports.client, allowed: normalizeCidrs([...s.apiservers, ...s.peers]), who: 'API servers and etcd members' },
    { name: 'peers', port: s.ports.peer, allowed: normalizeCidrs(s.peers), who: 'etcd members' },
    { name: 'metrics', port: s.ports.metrics, allowed: normalizeCidrs(s.monitoring), who: 'monitoring' },
  ];
}

/** Always with a prefix length ("10.0.0.5/32"), as iptables-save, NetworkPolicy ipBlock and Calico nets write it. */
function withPrefix(c: Cidr): string {
  const text = formatCidr(c);
  return text.includes('/') ? text : `${text}/${c.family === 4 ? 32 : 128}`;
}

function byFamily(cidrs: readonly Cidr[], family: 4 | 6): string[] {
  return cidrs.filter((c) => c.family === family).map(formatCidr);
}

/**
 * A named set's elements as nft prints them: IPv4 two per line, IPv6 one per line, continuation
 * lines indented with three tabs and five spaces (nftables src/expression.c calculate_delim).
 */
function nftElements(elements: readonly string[], family: 4 | 6): string {
  const perLine = family === 4 ? 2 : 1;
  let out = '';
  elements.forEach((e, i) => {
    if (i > 0) out += i % perLine === 0 ? ',\n\t\t\t     ' : ', ';
    out += e;
  });
  return `{ ${out} }`;
}

/** The table as `nft list table inet kubeward_etcd` prints it (tabs, one element list per set). */
export function nftTable(s: FirewallSpec): string {
  const rules = rulesOf(s);
  const lines = [`table inet ${NFT_TABLE} {`];
  for (const r of rules) {
    for (const family of [4, 6] as const) {
      const elements = byFamily(r.allowed, family);
      lines.push(`\tset ${r.name}_v${family} {`, `\t\ttype ipv${family}_addr`, '\t\tflags interval');
      if (elements.length > 0) lines.push(`\t\telements = ${nftElements(elements, family)}`);
      lines.push('\t}', '');
    }
  }
  lines.push('\tchain input {', '\t\ttype filter hook input priority filter - 10; policy accept;', '\t\tiif "lo" accept');
  for (const r of rules) {
    lines.push(`\t\ttcp dport ${r.port} ip saddr @${r.name}_v4 accept`, `\t\ttcp dport ${r.port} ip6 saddr @${r.name}_v6 accept`, `\t\ttcp dport ${r.port} drop`);
  }
  lines.push('\t}', '}');
  return `${lines.join('\n')}\n`;
}

/**
 * An `nft -f` file: declare the table (a no-op when it exists), delete it, define it again. nft
 * applies a file as one transaction, so the host is never without the rules in between.
 */
export function nftablesRules(s: FirewallSpec): string {
  const header = [
    '#!/usr/sbin/nft -f',
    `# kubeward etcd firewall: ${s.ports.client}/tcp from API servers and etcd members, ${s.ports.peer}/tcp from etcd members,`,
    `# ${s.ports.metrics}/tcp from monitoring only; loopback untouched. Apply on every etcd host: nft -f <this file>`,
    '# Idempotent: the table is declared, deleted and recreated in one atomic transaction.',
    `table inet ${NFT_TABLE}`,
    `delete table inet ${NFT_TABLE}`,
  ];
  return `${header.join('\n')}\n${nftTable(s)}`;
}

/** iptables-save lines for one family's chain (the order iptables-save prints matches). */
export function iptablesChain(s: FirewallSpec, family: 4 | 6): string[] {
  const lines = [`-A ${IPTABLES_CHAIN} -i lo -j RETURN`];
  for (const r of rulesOf(s)) {
    for (const c of r.allowed.filter((x) => x.family === family)) {
      lines.push(`-A ${IPTABLES_CHAIN} -s ${withPrefix(c)} -p tcp -m tcp --dport ${r.port} -j RETURN`);
    }
    lines.push(`-A ${IPTABLES_CHAIN} -p tcp -m tcp --dport ${r.port} -j DROP`);
  }
  return lines;
}

export function iptablesJump(s: FirewallSpec): string {
  return `-p tcp -m multiport --dports ${s.ports.client},${s.ports.peer},${s.ports.metrics} -j ${IPTABLES_CHAIN}`;
}

/**
 * A shell script: the chain through `iptables-restore --noflush` (which flushes only the chains it
 * declares), then the jump from INPUT added only when `iptables -C` does not find it.
 */
export function iptablesRules(s: FirewallSpec): string {
  const out = [
    '#!/bin/sh',
    `# kubeward etcd firewall (iptables): chain ${IPTABLES_CHAIN}, jumped to from INPUT for the etcd ports.`,
    '# Idempotent: the chain is flushed and refilled; the jump is added only when missing.',
    'set -e',
  ];
  for (const family of [4, 6] as const) {
    const bin = family === 4 ? 'iptables' : 'ip6tables';
    out.push(`${bin}-restore --noflush <<'EOF'`, '*filter', `:${IPTABLES_CHAIN} - [0:0]`, `-F ${IPTABLES_CHAIN}`, ...iptablesChain(s, family), 'COMMIT', 'EOF');
    out.push(`${bin} -C INPUT ${iptablesJump(s)} 2>/dev/null || ${bin} -I INPUT 1 ${iptablesJump(s)}`);
  }
  return `${out.join('\n')}\n`;
}

/** NetworkPolicy for etcd pods (kubeadm labels them component=etcd in kube-system). */
export function networkPolicy(s: FirewallSpec): string {
  const ingress = rulesOf(s)
    .filter((r) => r.allowed.length > 0)
    .map((r) => ({ from: r.allowed.map((c) => ({ ipBlock: { cidr: withPrefix(c) } })), ports: [{ protocol: 'TCP', port: r.port }] }));
  const doc = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kubeward-etcd', namespace: 'kube-system' },
    spec: { podSelector: { matchLabels: { component: 'etcd' } }, policyTypes: ['Ingress'], ingress },
  };
  return [
    '# kubeward etcd firewall as a NetworkPolicy: for etcd running in ordinary pods.',
    '# WARNING: NetworkPolicy does not apply to hostNetwork pods. kubeadm (and most installers) run etcd',
    '# with hostNetwork: true, and then this policy protects nothing: use --format calico (host endpoints)',
    '# or --format nftables / iptables on the etcd hosts instead.',
    '# All other ingress to the selected pods is denied once this policy selects them.',
    stringify(doc, { lineWidth: 0 }),
  ].join('\n');
}

/**
 * Calico GlobalNetworkPolicy for host endpoints labelled kubeward.io/etcd=true: this one does cover
 * host-network etcd. Calico's failsafe ports (FelixConfiguration failsafeInboundHostPorts) include
 * 2379 and 2380 by default and are never blocked: they must be removed for the policy to bite.
 */
export function calicoPolicy(s: FirewallSpec): string {
  const rules = rulesOf(s);
  const ingress: Record<string, unknown>[] = [];
  for (const r of rules) {
    if (r.allowed.length > 0) ingress.push({ action: 'Allow', protocol: 'TCP', source: { nets: r.allowed.map(withPrefix) }, destination: { ports: [r.port] } });
  }
  ingress.push({ action: 'Deny', protocol: 'TCP', destination: { ports: rules.map((r) => r.port) } });
  ingress.push({ action: 'Pass' });
  const policy = {
    apiVersion: 'projectcalico.org/v3',
    kind: 'GlobalNetworkPolicy',
    metadata: { name: 'kubeward-etcd' },
    spec: { order: 10, selector: "kubeward.io/etcd == 'true'", types: ['Ingress'], ingress },
  };
  return [
    '# kubeward etcd firewall for Calico: a GlobalNetworkPolicy on host endpoints, so it protects',
    '# host-network etcd (which a Kubernetes NetworkPolicy cannot).',
    "# 1. Label a HostEndpoint for every etcd host with kubeward.io/etcd: 'true', e.g.",
    '#      apiVersion: projectcalico.org/v3',
    '#      kind: HostEndpoint',
    '#      metadata: {name: etcd-1-eth0, labels: {kubeward.io/etcd: "true"}}',
    '#      spec: {node: etcd-1, interfaceName: eth0, expectedIPs: [<the host IP>]}',
    '#    Once a host has an endpoint, Calico denies its other traffic unless a policy allows it: the',
    "#    final Pass hands everything else to the next tier / your other policies.",
    `# 2. Calico never blocks its failsafe ports, and the default failsafeInboundHostPorts include`,
    `#    tcp:2379 and tcp:2380: remove ${rules.map((r) => r.port).join(', ')} from FelixConfiguration failsafeInboundHostPorts.`,
    stringify(policy, { lineWidth: 0 }),
  ].join('\n');
}

export function renderFirewall(s: FirewallSpec, format: FirewallFormat): string {
  switch (format) {
    case 'nftables':
      return nftablesRules(s);
    case 'iptables':
      return iptablesRules(s);
    case 'networkpolicy':
      return networkPolicy(s);
    case 'calico':
      return calicoPolicy(s);
  }
}
