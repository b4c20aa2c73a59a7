/**
 * Mirror pods without a kubelet: a Node object and, per static-pod manifest of the harness node root,
 * a kube-system Pod carrying what a kubelet's mirror pod carries (the config.mirror/config.source
 * annotations, nodeName, an owner reference to the Node, the static-pod spec with its real flags).
 * kube-apiserver v1.20 accepts these from a cluster admin (shared/spec/real-cluster.md); the live
 * source then reads them exactly as it reads a kubeadm cluster's mirror pods.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Cluster } from '../harness.js';

interface PodDoc {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface MirrorNode {
  name: string;
  labels?: Record<string, string>;
  taints?: { key: string; effect: string; value?: string }[];
}

/** Creates the Node and one mirror-like Pod per manifest; returns the pod names. */
export async function createMirrorPods(cluster: Cluster, node: MirrorNode = { name: cluster.nodeName }): Promise<string[]> {
  const labels = node.labels ?? { 'node-role.kubernetes.io/master': '', 'kubernetes.io/hostname': node.name };
  const taints = node.taints ?? [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }];
  await cluster.kubectlRun(['apply', '-f', '-'], {
    kubeconfig: cluster.superAdminKubeconfig,
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.name, labels }, spec: { taints } }),
  });
  const uid = (await cluster.kubectlRun(['get', 'node', node.name, '-o', 'jsonpath={.metadata.uid}'], { kubeconfig: cluster.superAdminKubeconfig })).trim();
  const dir = join(cluster.nodeRoot, 'etc/kubernetes/manifests');
  const names: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const text = await readFile(join(dir, file), 'utf8');
    const doc = parse(text) as PodDoc;
    const name = `${doc.metadata.name}-${node.name}`;
    const hash = createHash('md5').update(text).digest('hex');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'kube-system',
        labels: doc.metadata.labels ?? {},
        // pkg/kubelet/types/pod_update.go: ConfigMirrorAnnotationKey, ConfigSourceAnnotationKey, ConfigHashAnnotationKey
        annotations: { 'kubernetes.io/config.mirror': hash, 'kubernetes.io/config.hash': hash, 'kubernetes.io/config.source': 'file' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid, controller: true }],
      },
      spec: { ...doc.spec, nodeName: node.name },
    };
    await cluster.kubectlRun(['apply', '-f', '-'], { kubeconfig: cluster.superAdminKubeconfig, input: JSON.stringify(pod) });
    names.push(name);
  }
  return names;
}
