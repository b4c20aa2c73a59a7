import { describe, expect, it } from 'vitest';
import { nodePathFor } from '../../src/model/effective.js';
import { componentsOfManifest } from '../../src/sources/static-pod.js';
import { parseDocuments } from '../../src/sources/yaml-doc.js';

function manifest(src: string) {
  const r = parseDocuments(src);
  if (!r.ok) throw new Error(r.error.message);
  return r.docs.flatMap((d) => componentsOfManifest(d, 'etc/kubernetes/manifests/m.yaml', 'cp-1'));
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.28.4
    command:
    - kube-apiserver
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --tls-cert-file
    - /etc/kubernetes/pki/apiserver.crt
    args:
    - --audit-policy-file=/etc/kubernetes/audit/policy.yaml
    - --token-auth-file=/secrets/tokens.csv
    volumeMounts:
    - {name: pki, mountPath: /etc/kubernetes/pki, readOnly: true}
    - {name: etcd-pki, mountPath: /etc/kubernetes/pki/etcd, readOnly: true}
    - {name: audit, mountPath: /etc/kubernetes/audit/}
  volumes:
  - name: pki
    hostPath: {path: /etc/kubernetes/pki}
  - name: etcd-pki
    hostPath: {path: /srv/etcd-pki}
  - name: audit
    hostPath: {path: /srv/audit}
`;

describe('static pod manifests', () => {
  it('flags from command and args, each with the line of its list item', () => {
    const [api] = manifest(POD);
    expect(api!.kind).toBe('kube-apiserver');
    expect(api!.name).toBe('kube-apiserver-cp-1');
    expect(api!.flags['etcd-cafile']!.at).toEqual({ kind: 'file', file: 'etc/kubernetes/manifests/m.yaml', line: 11 });
    expect(api!.flags['tls-cert-file']).toMatchObject({ value: '/etc/kubernetes/pki/apiserver.crt', at: { line: 12 } });
    expect(api!.flags['audit-policy-file']!.at.line).toBe(15);
    expect(api!.at.line).toBe(7);
    expect(api!.version).toMatchObject({ major: 1, minor: 28, patch: 4 });
  });

  it('container paths map to host paths through hostPath volumes, longest mount first', () => {
    const [api] = manifest(POD);
    expect(api!.mounts).toEqual([
      { containerPath: '/etc/kubernetes/pki', hostPath: '/etc/kubernetes/pki', readOnly: true },
      { containerPath: '/etc/kubernetes/pki/etcd', hostPath: '/srv/etcd-pki', readOnly: true },
      { containerPath: '/etc/kubernetes/audit/', hostPath: '/srv/audit', readOnly: false },
    ]);
    expect(nodePathFor(api!, '/etc/kubernetes/pki/etcd/ca.crt')).toBe('srv/etcd-pki/ca.crt');
    expect(nodePathFor(api!, '/etc/kubernetes/pki/apiserver.crt')).toBe('etc/kubernetes/pki/apiserver.crt');
    expect(nodePathFor(api!, '/etc/kubernetes/audit/policy.yaml')).toBe('srv/audit/policy.yaml');
    // not mounted: the path is inside the image, the node path is the same path (and usually absent)
    expect(nodePathFor(api!, '/secrets/tokens.csv')).toBe('secrets/tokens.csv');
  });

  it('hyperkube, sh -c and image entrypoints', () => {
    const [hyper] = manifest('kind: Pod\nmetadata: {name: apiserver}\nspec:\n  containers:\n  - name: a\n    image: k8s.gcr.io/hyperkube:v1.17.0\n    command: [/hyperkube, apiserver, --secure-port=1]\n');
    expect(hyper).toMatchObject({ kind: 'kube-apiserver', flags: { 'secure-port': { value: '1' } } });
    const [sh] = manifest(`kind: Pod\nmetadata: {name: etcd}\nspec:\n  containers:\n  - name: e\n    image: quay.io/coreos/etcd:v3.3.10\n    command:\n    - /bin/sh\n    - -c\n    - /usr/local/bin/etcd --data-dir /var/lib/etcd --client-cert-auth 1>>/var/log/etcd.log 2>&1\n`);
    expect(sh).toMatchObject({ kind: 'etcd', flags: { 'data-dir': { value: '/var/lib/etcd', at: { line: 10 } }, 'client-cert-auth': { value: 'true' } } });
    const [entry] = manifest('kind: Pod\nmetadata: {name: kube-scheduler}\nspec:\n  containers:\n  - name: s\n    image: registry.k8s.io/kube-scheduler:v1.29.0@sha256:abc\n    args: [--bind-address=127.0.0.1]\n');
    expect(entry).toMatchObject({ kind: 'kube-scheduler', flags: { 'bind-address': { value: '127.0.0.1' } } });
  });

  it('$(VAR) from the container env is expanded in args', () => {
    const [api] = manifest('kind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: a\n    image: registry.k8s.io/kube-apiserver:v1.29.0\n    env:\n    - {name: IP, value: 10.0.0.5}\n    command: [kube-apiserver, --advertise-address=$(IP), --x=$$(IP)]\n');
    expect(api!.flags['advertise-address']!.value).toBe('10.0.0.5');
    expect(api!.flags.x!.value).toBe('$(IP)');
  });

  it('containers that are not control-plane components are skipped; other kinds are ignored', () => {
    expect(manifest('kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: n\n    image: nginx:1.25\n')).toEqual([]);
    expect(manifest('kind: Deployment\nmetadata: {name: x}\n')).toEqual([]);
  });

  it('YAML 1.1 as Kubernetes reads it: yes/no are booleans, octal 0644', () => {
    const r = parseDocuments('a: yes\nb: off\nc: 0644\n');
    expect(r.ok && r.docs[0]!.value).toEqual({ a: true, b: false, c: 420 });
  });
});
