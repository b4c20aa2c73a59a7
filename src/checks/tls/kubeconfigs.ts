/**
 * The kubeconfigs control-plane components use to reach the API server, as named by their flags:
 * shared by the kubeconfig transport check and the kubeconfig permission check.
 */
import type { Component, ComponentKind, ControlPlane, NodeFile } from '../../model/control-plane.js';
import { fileFor, flag, hostOf, type Effective } from '../../model/effective.js';
import type { LinkKind } from '../../model/graph.js';

interface KubeconfigFlag {
  flag: string;
  /** the graph link this kubeconfig configures */
  link?: LinkKind;
  /** CIS ids of its mode and ownership rules */
  cis?: { mode: string; owner: string };
}

const FLAGS: Partial<Record<ComponentKind, readonly KubeconfigFlag[]>> = {
  kubelet: [
    { flag: 'kubeconfig', link: 'kubelet-apiserver', cis: { mode: '4.1.5', owner: '4.1.6' } },
    { flag: 'bootstrap-kubeconfig', link: 'kubelet-apiserver' },
  ],
  'kube-controller-manager': [
    { flag: 'kubeconfig', link: 'controller-manager-apiserver', cis: { mode: '1.1.17', owner: '1.1.18' } },
    { flag: 'authentication-kubeconfig' },
    { flag: 'authorization-kubeconfig' },
  ],
  'kube-scheduler': [
    { flag: 'kubeconfig', link: 'scheduler-apiserver', cis: { mode: '1.1.15', owner: '1.1.16' } },
    { flag: 'authentication-kubeconfig' },
    { flag: 'authorization-kubeconfig' },
  ],
};

export const KUBECONFIG_KINDS = Object.keys(FLAGS) as ComponentKind[];

export interface KubeconfigRef extends KubeconfigFlag {
  setting: Effective;
  file: NodeFile;
}

/** Each kubeconfig file a component names (once, under the first flag that names it) that the source read. */
export function kubeconfigsOf(cp: ControlPlane, c: Component): KubeconfigRef[] {
  const host = hostOf(cp, c);
  const out: KubeconfigRef[] = [];
  for (const f of FLAGS[c.kind] ?? []) {
    const setting = flag(cp, c, f.flag);
    const file = fileFor(host, c, setting);
    if (!file?.exists || out.some((r) => r.file.path === file.path)) continue;
    out.push({ ...f, setting, file });
  }
  return out;
}
