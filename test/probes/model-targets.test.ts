import { describe, expect, it } from 'vitest';
import { clusterCaCandidates, endpointsFromModel } from '../../src/probes/model-targets.js';
import { parseTarget } from '../../src/probes/target.js';
import { singleHost } from '../helpers/fixture.js';

describe('endpointsFromModel', () => {
  it('kubeadm-like control plane: every endpoint from effective settings', () => {
    const cp = singleHost((h) =>
      h
        .apiserver(['--advertise-address=10.0.0.5', '--secure-port=6443', '--etcd-servers=https://127.0.0.1:2379', '--client-ca-file=/etc/kubernetes/pki/ca.crt'])
        .scheduler(['--bind-address=127.0.0.1'])
        .controllerManager([])
        .etcd(['--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.5:2379', '--listen-peer-urls=https://10.0.0.5:2380', '--listen-metrics-urls=http://127.0.0.1:2381'])
        .kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { readOnlyPort: 0 } }),
    );
    const got = endpointsFromModel(cp).map((e) => `${e.host}:${e.port}/${e.kind}${e.scheme ? ` ${e.scheme}` : ''}`);
    expect(got).toEqual([
      '10.0.0.5:6443/apiserver',
      '127.0.0.1:10259/scheduler',
      // controller-manager: --bind-address defaults to 0.0.0.0 → the host's address, else loopback
      '127.0.0.1:10257/controller-manager',
      '127.0.0.1:10250/kubelet',
      // readOnlyPort 0 (off): the usual port is probed to prove it closed
      '127.0.0.1:10255/kubelet-readonly',
      '127.0.0.1:2379/etcd-client https',
      '10.0.0.5:2379/etcd-client https',
      '10.0.0.5:2380/etcd-peer https',
      '127.0.0.1:2381/etcd-metrics http',
      '127.0.0.1:2379/etcd-client https',
    ]);
    expect(clusterCaCandidates(cp)[0]).toEqual({ cert: 'fixture:cp-1/etc/kubernetes/pki/ca.crt', key: 'fixture:cp-1/etc/kubernetes/pki/ca.key' });
  });

  it('etcd defaults: plain http on localhost', () => {
    const cp = singleHost((h) => h.etcd([]));
    expect(endpointsFromModel(cp).map((e) => `${e.host}:${e.port}/${e.kind} ${e.scheme}`)).toEqual(['127.0.0.1:2379/etcd-client http', '127.0.0.1:2380/etcd-peer http']);
  });
});

describe('parseTarget', () => {
  it('host:port, kinds, IPv6, URLs', () => {
    expect(parseTarget('10.0.0.5:2379')).toEqual({ host: '10.0.0.5', port: 2379, kind: 'etcd-client' });
    expect(parseTarget('[fd00::5]:9999/kubelet')).toEqual({ host: 'fd00::5', port: 9999, kind: 'kubelet' });
    expect(parseTarget('cp-1.example:6443')).toMatchObject({ kind: 'apiserver' });
    expect(parseTarget('https://10.0.0.5:12379/etcd-client')).toEqual({ host: '10.0.0.5', port: 12379, kind: 'etcd-client', scheme: 'https' });
    expect(parseTarget('127.0.0.1:12345')).toMatchObject({ kind: 'tls' });
    expect(() => parseTarget('10.0.0.5')).toThrow(/host:port/);
    expect(() => parseTarget('10.0.0.5:70000')).toThrow(/out of range/);
    expect(() => parseTarget('10.0.0.5:2379/nope')).toThrow(/unknown kind "nope"/);
  });
});
