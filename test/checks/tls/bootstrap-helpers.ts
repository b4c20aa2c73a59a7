/** Model builders shared by the TLS-bootstrapping check tests. */
import type { BootstrapTokenFacts, ClusterFacts, ControlPlane, CsrFacts, RbacObject } from '../../../src/model/control-plane.js';
import { controlPlane, type HostBuilder } from '../../helpers/fixture.js';

export const SCANNED_AT = '2026-06-01T12:00:00Z';

export function cluster(facts: Partial<ClusterFacts>, opts: { rbac?: RbacObject[]; host?: (h: HostBuilder) => unknown } = {}): ControlPlane {
  const b = controlPlane().with((cp) => {
    cp.scannedAt = SCANNED_AT;
    cp.cluster = { webhooks: [], apiServices: [], nodes: [], csrs: [], bootstrapTokens: [], ...facts };
    if (opts.rbac) cp.rbac = opts.rbac;
  });
  if (opts.host) b.host('cp-1', opts.host);
  return b.build();
}

export function token(id: string, t: Partial<BootstrapTokenFacts> = {}): BootstrapTokenFacts {
  return { id, usages: ['authentication', 'signing'], extraGroups: ['system:bootstrappers:kubeadm:default-node-token'], object: `kube-system/Secret/bootstrap-token-${id}`, ...t };
}

export function csr(name: string, c: Partial<CsrFacts> = {}): CsrFacts {
  return {
    name,
    signerName: 'kubernetes.io/kubelet-serving',
    username: 'system:node:n1',
    groups: ['system:nodes', 'system:authenticated'],
    usages: ['digital signature', 'server auth'],
    conditions: [],
    created: '2026-06-01T09:00:00Z',
    object: `CertificateSigningRequest/${name}`,
    ...c,
  };
}

export function crb(name: string, role: string, subjects: { kind: string; name: string; namespace?: string }[]): RbacObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: subjects.map((s) => ({ ...(s.kind === 'ServiceAccount' ? {} : { apiGroup: 'rbac.authorization.k8s.io' }), ...s })),
  };
}
