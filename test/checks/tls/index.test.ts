import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/registry.js';
import { tlsChecks } from '../../../src/checks/tls/index.js';
import { computeGraph } from '../../../src/model/graph-build.js';
import { singleHost } from '../../helpers/fixture.js';
import { kubeadmNode } from './kubeadm.js';

describe('tls checks together', () => {
  it('ids are unique, in the tls practice, with CIS ids, references and what they read', () => {
    const ids = tlsChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of tlsChecks) {
      expect(c.practice).toBe('tls');
      expect(c.id.startsWith('tls/')).toBe(true);
      expect(c.references?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('a hardened kubeadm node has no TLS finding', () => {
    expect(runChecks(singleHost(kubeadmNode()), tlsChecks)).toEqual([]);
  });

  it('a bare node (every flag unset, flag-only kubelet, 1.19) fails on defaults, and every link a finding names exists', () => {
    const cp = singleHost(kubeadmNode({ apiserver: ['--etcd-servers=http://127.0.0.1:2379'], controllerManager: [], scheduler: [], etcd: [], kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf'], kubeletConfig: null, noFiles: true }), 'v1.19.16');
    const findings = runChecks(cp, tlsChecks);
    const ids = new Set(findings.map((f) => f.id));
    for (const id of ['tls/insecure-port', 'tls/etcd-servers-https', 'tls/controller-manager-bind-address', 'tls/scheduler-bind-address', 'tls/kubelet-anonymous-auth', 'tls/kubelet-read-only-port', 'tls/kubelet-rotate-certificates', 'tls/tls-min-version', 'tls/etcd-client-urls-https']) {
      expect(ids.has(id), id).toBe(true);
    }
    const links = new Set(computeGraph(cp).links.map((l) => l.id));
    for (const f of findings) if (f.link) expect(links.has(f.link), f.link).toBe(true);
    expect(findings.filter((f) => f.evidence.value === null && f.evidence.source === 'default').every((f) => f.evidence.flag !== null || f.evidence.field !== null)).toBe(true);
  });
});
