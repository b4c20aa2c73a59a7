/**
 * Shared pieces of the TLS checks: which settings are missing, which graph links a finding is
 * about, and the references most checks cite.
 */
import type { Component, ComponentKind, ControlPlane } from '../../model/control-plane.js';
import { componentsOf, evidenceFor, flag, hostOf, type Effective } from '../../model/effective.js';
import { graphOf, linksOf } from '../../model/graph-build.js';
import type { LinkKind } from '../../model/graph.js';
import type { Check } from '../registry.js';

export const DOCS = {
  nodeCommunication: 'https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/',
  apiserver: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
  controllerManager: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
  scheduler: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/',
  kubelet: 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/',
  kubeletConfig: 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
  kubeletAuth: 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
  kubeletBootstrap: 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/',
  certRotation: 'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
  etcd: 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/',
  certificates: 'https://kubernetes.io/docs/setup/best-practices/certificates/',
  kubeconfig: 'https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/',
  kubeadmCerts: 'https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/',
  securingCluster: 'https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/',
} as const;

/** The settings among `names` that are unset or empty on `c` (effective values: a default counts when it names something). */
export function unsetFlags(cp: ControlPlane, c: Component, names: readonly string[]): Effective[] {
  return names.map((n) => flag(cp, c, n)).filter((e) => e.value === undefined || e.value === '');
}

/** "--a and --b" */
export function flagNames(settings: readonly Effective[]): string {
  const names = settings.map((e) => `--${e.flag ?? '?'}`);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** The first graph link (in id order) a finding about `c` concerns, spreadable into a report: `{ link }` or `{}`. */
export function linkOf(cp: ControlPlane, kind: LinkKind, end: { from?: Component; to?: Component }): { link?: string } {
  const first = linksOf(graphOf(cp), kind, end)[0];
  return first ? { link: first.id } : {};
}

/**
 * The run function of a "these settings must be set" check (the CIS "present" rows): one finding per
 * component that lacks any of them, citing the first missing one and naming the graph link it weakens.
 */
export function requireFlags(kind: ComponentKind, names: readonly string[], link?: LinkKind): Check['run'] {
  return (cp, report) => {
    for (const c of componentsOf(cp, kind)) {
      const missing = unsetFlags(cp, c, names);
      const first = missing[0];
      if (!first) continue;
      report({
        component: c,
        host: hostOf(cp, c),
        evidence: evidenceFor(c, first),
        detail: `${flagNames(missing)} ${missing.length > 1 ? 'are' : 'is'} not set`,
        ...(link ? linkOf(cp, link, { from: c }) : {}),
      });
    }
  };
}
