/** What a probe is pointed at: an address, a port, and what is expected to listen there. */
import { isIP } from 'node:net';
import { hostPort } from '../net/reach.js';

export const ENDPOINT_KINDS = [
  'apiserver',
  'kubelet',
  'kubelet-readonly',
  'scheduler',
  'controller-manager',
  'etcd-client',
  'etcd-peer',
  'etcd-metrics',
  'tls',
] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface Endpoint {
  host: string;
  port: number;
  kind: EndpointKind;
  /** the scheme configured for it, when a URL named it (etcd listen URLs); undefined: TLS expected by default */
  scheme?: 'http' | 'https';
  /** the model host it belongs to, for findings; default: the address */
  node?: string;
}

/** The well-known ports (kubeadm defaults) and what listens on them. */
const KIND_BY_PORT: Record<number, EndpointKind> = {
  6443: 'apiserver',
  443: 'apiserver',
  10250: 'kubelet',
  10255: 'kubelet-readonly',
  10259: 'scheduler',
  10257: 'controller-manager',
  2379: 'etcd-client',
  2380: 'etcd-peer',
  2381: 'etcd-metrics',
};

export const COMPONENT_OF: Record<EndpointKind, string> = {
  apiserver: 'kube-apiserver',
  kubelet: 'kubelet',
  'kubelet-readonly': 'kubelet',
  scheduler: 'kube-scheduler',
  'controller-manager': 'kube-controller-manager',
  'etcd-client': 'etcd',
  'etcd-peer': 'etcd',
  'etcd-metrics': 'etcd',
  tls: 'endpoint',
};

export function endpointTarget(e: Pick<Endpoint, 'host' | 'port'>): string {
  return hostPort(e.host, e.port);
}

/** Whether a plain-HTTP port is what the component is supposed to serve there. */
export function expectsPlaintext(e: Endpoint): boolean {
  return e.kind === 'kubelet-readonly' || e.kind === 'etcd-metrics' || e.scheme === 'http';
}

/**
 * `host:port[/kind]`, IPv6 in brackets (`[::1]:2379/etcd-client`), or an etcd-style URL
 * (`https://10.0.0.5:2379[/kind]`: the scheme says whether TLS is expected). Without a kind the well-known port decides, else "tls".
 * Throws an Error naming the value when it is not one of these.
 */
export function parseTarget(text: string): Endpoint {
  const url = /^(https?):\/\//.exec(text);
  if (url) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      throw new Error(`target "${text}" is not a valid URL`);
    }
    const scheme = url[1] as 'http' | 'https';
    const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const kind = u.pathname.replace(/^\/|\/$/g, '');
    if (kind !== '' && !isKind(kind)) throw new Error(`target "${text}": unknown kind "${kind}" (kinds: ${ENDPOINT_KINDS.join(', ')})`);
    return { host, port, kind: kind !== '' && isKind(kind) ? kind : (KIND_BY_PORT[port] ?? 'tls'), scheme };
  }
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):(\d{1,5})(?:\/([a-z-]+))?$/.exec(text);
  if (!m) throw new Error(`target "${text}" is not host:port[/kind] (kinds: ${ENDPOINT_KINDS.join(', ')})`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  if (m[1]!.startsWith('[') && isIP(host) !== 6) throw new Error(`target "${text}": "${host}" is not an IPv6 address`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`target "${text}": port ${port} is out of range`);
  const kind = m[3];
  if (kind !== undefined && !isKind(kind)) throw new Error(`target "${text}": unknown kind "${kind}" (kinds: ${ENDPOINT_KINDS.join(', ')})`);
  return { host, port, kind: kind !== undefined && isKind(kind) ? kind : (KIND_BY_PORT[port] ?? 'tls') };
}

function isKind(s: string): s is EndpointKind {
  return (ENDPOINT_KINDS as readonly string[]).includes(s);
}

