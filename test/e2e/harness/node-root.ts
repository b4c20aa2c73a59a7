/**
 * The node-root-shaped view of a harness cluster: kubeadm-style static-pod manifests that carry the
 * exact flags the processes run with (paths rewritten from the harness folder to the node's "/"),
 * next to the PKI, configs and kubeconfigs they name. No kubelet runs them; they are what a scan of
 * the node root, and mirror pods created from them, read.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface HostPathMount {
  name: string;
  /** the node path (also the container path, as kubeadm mounts them) */
  path: string;
  type: 'Directory' | 'DirectoryOrCreate' | 'File' | 'FileOrCreate';
  readOnly: boolean;
}

export interface StaticPod {
  component: 'etcd' | 'kube-apiserver' | 'kube-controller-manager';
  image: string;
  /** the command line as run, with real (harness) paths */
  command: string[];
  mounts: HostPathMount[];
}

/** A path as the node sees it: the harness node-root prefix replaced by "/". */
export function toNodePath(nodeRoot: string, value: string): string {
  return value.split(nodeRoot).join('');
}

/** The Pod object of a static-pod manifest (kubeadm's layout: hostNetwork, one container, hostPath volumes). */
export function staticPodObject(nodeRoot: string, pod: StaticPod): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.component,
      namespace: 'kube-system',
      labels: { component: pod.component, tier: 'control-plane' },
    },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      containers: [
        {
          name: pod.component,
          image: pod.image,
          imagePullPolicy: 'IfNotPresent',
          command: pod.command.map((a) => toNodePath(nodeRoot, a)),
          volumeMounts: pod.mounts.map((m) => ({ name: m.name, mountPath: m.path, readOnly: m.readOnly })),
        },
      ],
      volumes: pod.mounts.map((m) => ({ name: m.name, hostPath: { path: m.path, type: m.type } })),
    },
  };
}

/** Writes etc/kubernetes/manifests/<component>.yaml under the node root. */
export async function writeStaticPod(nodeRoot: string, pod: StaticPod): Promise<string> {
  const dir = join(nodeRoot, 'etc/kubernetes/manifests');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${pod.component}.yaml`);
  await writeFile(file, stringify(staticPodObject(nodeRoot, pod)), { mode: 0o600 });
  return file;
}
