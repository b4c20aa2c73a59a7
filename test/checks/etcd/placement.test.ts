import dedicated from '../../../src/checks/etcd/dedicated-hosts.js';
import allowedCn from '../../../src/checks/etcd/peer-cert-allowed-cn.js';
import { controlPlane, singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(dedicated, {
  valid: [
    { name: 'tainted control-plane node', cp: controlPlane().host('cp-1', (h) => { h.etcd([]).kubelet([]); h.host.runsWorkloads = false; }).build() },
    { name: 'unknown (no taint information): not judged', cp: singleHost((h) => h.etcd([]).kubelet([])) },
    { name: 'dedicated etcd hosts beside a worker', cp: controlPlane().host('etcd-1', (h) => h.etcd([], { origin: 'systemd' })).host('worker-1', (h) => { h.kubelet([]); h.host.runsWorkloads = true; }).build() },
  ],
  invalid: [
    {
      name: 'etcd beside a kubelet that runs workloads (several node roots)',
      cp: controlPlane().host('cp-1', (h) => { h.etcd([]).kubelet([]); h.host.runsWorkloads = true; }).host('cp-2', (h) => { h.etcd([]).kubelet([]); h.host.runsWorkloads = false; }).build(),
      findings: [{ host: 'cp-1', file: 'etc/systemd/system/kubelet.service.d/10-kubeadm.conf' }],
    },
  ],
});

const PEER = ['--peer-client-cert-auth=true', '--initial-cluster=a=https://10.0.0.1:2380,b=https://10.0.0.2:2380,c=https://10.0.0.3:2380'];
testCheck(allowedCn, {
  valid: [
    { name: 'allowed CN set', cp: singleHost((h) => h.etcd([...PEER, '--peer-cert-allowed-cn=etcd-peer'])) },
    { name: 'single member', cp: singleHost((h) => h.etcd(['--peer-client-cert-auth=true', '--initial-cluster=a=https://10.0.0.1:2380'])) },
  ],
  invalid: [{ name: 'three members, no restriction', cp: singleHost((h) => h.etcd(PEER)), findings: [{ flag: '--peer-cert-allowed-cn', detail: '3-member' }] }],
});
