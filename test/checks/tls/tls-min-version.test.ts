import check from '../../../src/checks/tls/tls-min-version.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, CONTROLLER_MANAGER, edit, ETCD, kubeadmNode, kubeletConfig, SCHEDULER } from './kubeadm.js';

const noMin = (): Record<string, unknown> => {
  const c = kubeletConfig();
  delete c.tlsMinVersion;
  return c;
};
const unsetAll = { apiserver: edit(APISERVER, '!--tls-min-version'), controllerManager: edit(CONTROLLER_MANAGER, '!--tls-min-version'), scheduler: edit(SCHEDULER, '!--tls-min-version'), kubeletConfig: noMin() };

testCheck(check, {
  valid: [
    { name: 'TLS 1.2 everywhere, etcd default TLS 1.2', cp: singleHost(kubeadmNode()) },
    { name: 'unset on 1.31: Go ≥ 1.22 defaults to TLS 1.2', cp: singleHost(kubeadmNode(unsetAll), 'v1.31.2') },
    { name: 'VersionTLS13 and etcd TLS1.3', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--tls-min-version=VersionTLS13'), etcd: edit(ETCD, '--tls-min-version=TLS1.3') })) },
  ],
  invalid: [
    {
      name: 'unset on 1.28: Go < 1.22 defaults to TLS 1.0, on each Kubernetes component',
      cp: singleHost(kubeadmNode(unsetAll), 'v1.28.4'),
      findings: [
        { component: 'kube-apiserver', source: 'default', value: 'VersionTLS10', detail: 'unset: kube-apiserver defaults to VersionTLS10 (Go crypto/tls' },
        { component: 'kube-controller-manager', source: 'default' },
        { component: 'kube-scheduler', source: 'default' },
        { component: 'kubelet', field: 'tlsMinVersion', source: 'default' },
      ],
    },
    { name: 'explicit VersionTLS11 (space form)', cp: singleHost(kubeadmNode({ apiserver: [...edit(APISERVER, '!--tls-min-version'), '--tls-min-version', 'VersionTLS11'] })), findings: [{ value: 'VersionTLS11', detail: 'TLS 1.1 is accepted' }] },
    { name: 'etcd TLS1.1', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--tls-min-version=TLS1.1') })), findings: [{ component: 'etcd', value: 'TLS1.1' }] },
    { name: 'an unknown name', cp: singleHost(kubeadmNode({ kubeletConfig: { ...noMin(), tlsMinVersion: 'TLS12' } })), findings: [{ component: 'kubelet', detail: 'not a TLS version name' }] },
  ],
});
