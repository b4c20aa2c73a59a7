/**
 * The endpoints a control-plane model implies, from effective settings (flag → config → default for
 * the version): API server secure port, kubelet 10250 and read-only port, scheduler 10259,
 * controller-manager 10257, etcd client/peer/metrics URLs and the API server's --etcd-servers.
 * Wildcard binds (0.0.0.0, ::) are probed at the host's first known address, else loopback (the
 * usual case: kubeward probing the node it runs on). Pure: no I/O.
 */
import { posix } from 'node:path';
import type { Component, ControlPlane, Host } from '../model/control-plane.js';
import { componentsOf, flag, flagList, hostOf, kubeletSetting, nodePathFor } from '../model/effective.js';
import type { Endpoint, EndpointKind } from './target.js';
import { parseTarget } from './target.js';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

function addressFor(host: Host, bind: string | undefined): string {
  if (bind && !WILDCARDS.has(bind)) return bind.replace(/^\[|\]$/g, '');
  return host.addresses[0] ?? '127.0.0.1';
}

function portOf(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}

function fromUrls(cp: ControlPlane, c: Component, urls: readonly string[], kind: EndpointKind): Endpoint[] {
  const host = hostOf(cp, c);
  const out: Endpoint[] = [];
  for (const u of urls) {
    try {
      const e = parseTarget(u);
      out.push({ ...e, host: WILDCARDS.has(e.host) ? addressFor(host, undefined) : e.host === 'localhost' ? '127.0.0.1' : e.host, kind, node: host.name });
    } catch {
      // a URL the component itself would reject; the checks report the setting
    }
  }
  return out;
}

export function endpointsFromModel(cp: ControlPlane): Endpoint[] {
  const out: Endpoint[] = [];
  const serving = (kind: 'kube-apiserver' | 'kube-scheduler' | 'kube-controller-manager', endpointKind: EndpointKind, dflt: number) => {
    for (const c of componentsOf(cp, kind)) {
      const host = hostOf(cp, c);
      const bind = flag(cp, c, 'bind-address').value;
      const advertise = kind === 'kube-apiserver' ? flag(cp, c, 'advertise-address').value : undefined;
      const address = bind && !WILDCARDS.has(bind) ? bind : (advertise ?? addressFor(host, bind));
      out.push({ host: address, port: portOf(flag(cp, c, 'secure-port').value, dflt), kind: endpointKind, node: host.name });
    }
  };
  serving('kube-apiserver', 'apiserver', 6443);
  serving('kube-scheduler', 'scheduler', 10259);
  serving('kube-controller-manager', 'controller-manager', 10257);
  for (const c of componentsOf(cp, 'kubelet')) {
    const host = hostOf(cp, c);
    const address = addressFor(host, kubeletSetting(cp, c, { flag: 'address', field: 'address' }).value);
    out.push({ host: address, port: portOf(kubeletSetting(cp, c, { flag: 'port', field: 'port' }).value, 10250), kind: 'kubelet', node: host.name });
    // readOnlyPort 0 means off: probe the usual 10255 anyway, a closed port is the proof
    out.push({ host: address, port: portOf(kubeletSetting(cp, c, { flag: 'read-only-port', field: 'readOnlyPort' }).value, 10255), kind: 'kubelet-readonly', node: host.name });
  }
  for (const c of componentsOf(cp, 'etcd')) {
    out.push(...fromUrls(cp, c, flagList(flag(cp, c, 'listen-client-urls'), c), 'etcd-client'));
    out.push(...fromUrls(cp, c, flagList(flag(cp, c, 'listen-peer-urls'), c), 'etcd-peer'));
    out.push(...fromUrls(cp, c, flagList(flag(cp, c, 'listen-metrics-urls'), c), 'etcd-metrics'));
  }
  for (const c of componentsOf(cp, 'kube-apiserver')) out.push(...fromUrls(cp, c, flagList(flag(cp, c, 'etcd-servers'), c), 'etcd-client'));
  return out;
}

/**
 * Where the cluster CA certificate and key may be on the nodes read (absolute paths): the API
 * server's --client-ca-file with its key beside it (kubeadm: pki/ca.crt + ca.key), then kubeadm's
 * default place. The caller reads the first pair that exists.
 */
export function clusterCaCandidates(cp: ControlPlane): { cert: string; key: string }[] {
  const out: { cert: string; key: string }[] = [];
  for (const c of componentsOf(cp, 'kube-apiserver')) {
    const host = hostOf(cp, c);
    const e = flag(cp, c, 'client-ca-file');
    if (e.value) {
      const cert = posix.join(host.root, nodePathFor(c, e.value, e));
      out.push({ cert, key: cert.replace(/\.(crt|pem)$/, '.key') });
    }
  }
  for (const h of cp.hosts) out.push({ cert: posix.join(h.root, 'etc/kubernetes/pki/ca.crt'), key: posix.join(h.root, 'etc/kubernetes/pki/ca.key') });
  return out;
}
