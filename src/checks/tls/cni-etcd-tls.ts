import { defineCheck, type Report } from '../registry.js';
import type { Component, ControlPlane, Host } from '../../model/control-plane.js';
import { componentsOf, evidenceFor, flag, flagList, hostOf, isTrue } from '../../model/effective.js';
import { emptyEvidence, type Evidence } from '../../model/finding.js';
import { cniNodeId, graphOf, nodeIdOf } from '../../model/graph-build.js';
import { DOCS } from './common.js';

/** How one CNI client reaches etcd, whichever way it is configured. */
interface EtcdClient {
  component: Component | string;
  host: Host;
  /** graph node id of the client */
  node: string;
  endpoints: string[];
  endpointsAt: Evidence;
  ca: { set: boolean; at: Evidence };
  cert: { set: boolean; at: Evidence };
}

function clients(cp: ControlPlane): EtcdClient[] {
  const out: EtcdClient[] = [];
  for (const host of cp.hosts) {
    for (const conf of host.cni) {
      for (const p of conf.plugins) {
        if (p.etcdEndpoints.length === 0 || p.datastoreType === 'kubernetes') continue;
        const at = (field: string, value: string | undefined): Evidence => ({ ...emptyEvidence('file'), file: conf.file, line: p.line ?? null, field, value: value ?? null });
        out.push({
          component: p.type,
          host,
          node: cniNodeId(p.type, host.name),
          endpoints: p.etcdEndpoints,
          endpointsAt: at('etcd_endpoints', p.etcdEndpoints.join(',')),
          ca: { set: p.etcdCaCertFile !== undefined, at: at('etcd_ca_cert_file', p.etcdCaCertFile) },
          cert: { set: p.etcdCertFile !== undefined && p.etcdKeyFile !== undefined, at: at('etcd_cert_file', p.etcdCertFile) },
        });
      }
    }
  }
  for (const f of componentsOf(cp, 'flanneld')) {
    if (isTrue(flag(cp, f, 'kube-subnet-mgr'))) continue;
    const endpoints = flag(cp, f, 'etcd-endpoints');
    const ca = flag(cp, f, 'etcd-cafile');
    const cert = flag(cp, f, 'etcd-certfile');
    const key = flag(cp, f, 'etcd-keyfile');
    out.push({
      component: f,
      host: hostOf(cp, f),
      node: nodeIdOf(f),
      endpoints: flagList(endpoints, f),
      endpointsAt: evidenceFor(f, endpoints),
      ca: { set: Boolean(ca.value), at: evidenceFor(f, ca) },
      cert: { set: Boolean(cert.value) && Boolean(key.value), at: evidenceFor(f, cert.value ? key : cert) },
    });
  }
  return out;
}

export default defineCheck({
  id: 'tls/cni-etcd-tls',
  practice: 'tls',
  severity: 'high',
  cis: [],
  title: 'CNI plugin reaches etcd without verified, authenticated TLS',
  why: 'A CNI plugin that keeps its state in etcd (Calico in etcd mode, flannel without --kube-subnet-mgr) runs on every node. Over http:// its traffic and the etcd it talks to are open to the network; without the etcd CA it cannot tell etcd from an impostor; without a client certificate etcd must accept unauthenticated clients. If it shares the Kubernetes etcd, that is every Secret of the cluster.',
  remediation:
    'Calico: use https:// etcd_endpoints with etcd_ca_cert_file, etcd_cert_file and etcd_key_file in the CNI config (/etc/cni/net.d/*.conflist; calico-config ConfigMap and calico-etcd-secrets), or switch to datastoreType: kubernetes. flannel: use https:// --etcd-endpoints with --etcd-cafile, --etcd-certfile, --etcd-keyfile (or FLANNELD_ETCD_*), or run with --kube-subnet-mgr. Give the CNI its own etcd or client certificate, not the API server\'s.',
  references: [DOCS.etcd, 'https://docs.tigera.io/calico/latest/reference/configure-cni-plugins', 'https://github.com/flannel-io/flannel/blob/master/Documentation/configuration.md'],
  reads: 'CNI configs (etcd_endpoints, etcd_ca_cert_file, etcd_cert_file, etcd_key_file, datastore_type); flanneld --etcd-endpoints (default http://127.0.0.1:4001,http://127.0.0.1:2379), --etcd-cafile, --etcd-certfile, --etcd-keyfile, --kube-subnet-mgr',
  run(cp, report) {
    const links = graphOf(cp).links.filter((l) => l.kind === 'cni-etcd');
    for (const client of clients(cp)) {
      const linkTo = (endpoint?: string): { link?: string } => {
        const l = links.find((x) => x.source === client.node && (endpoint === undefined || x.endpoint === endpoint));
        return l ? { link: l.id } : {};
      };
      const base: Omit<Report, 'evidence'> = { component: client.component, host: client.host };
      const plain = client.endpoints.filter((u) => u.trim().toLowerCase().startsWith('http://'));
      for (const url of plain) report({ ...base, severity: 'critical', evidence: client.endpointsAt, detail: `${url} is plain http`, ...linkTo(url) });
      if (plain.length === client.endpoints.length) continue;
      if (!client.ca.set) report({ ...base, evidence: client.ca.at, detail: 'no etcd CA: the etcd server certificate is checked against the system trust store only', ...linkTo() });
      if (!client.cert.set) report({ ...base, evidence: client.cert.at, detail: 'no client certificate and key for etcd', ...linkTo() });
    }
  },
});
