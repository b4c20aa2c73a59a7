import check from '../../../src/checks/tls/kubelet-serving-cert.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

const base = (): Record<string, unknown> => {
  const c = kubeletConfig();
  delete c.serverTLSBootstrap;
  return c;
};

testCheck(check, {
  valid: [
    // kube-bench#588: bootstrapped serving certificates are the better answer, so they pass without tlsCertFile.
    { name: 'serverTLSBootstrap: true', cp: singleHost(kubeadmNode()) },
    { name: 'tlsCertFile and tlsPrivateKeyFile', cp: singleHost(kubeadmNode({ kubeletConfig: { ...base(), tlsCertFile: '/var/lib/kubelet/pki/kubelet.crt', tlsPrivateKeyFile: '/var/lib/kubelet/pki/kubelet.key' } })) },
    { name: '--tls-cert-file/--tls-private-key-file flags', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--tls-cert-file=/k.crt', '--tls-private-key-file=/k.key'], kubeletConfig: base() })) },
    { name: 'deprecated --rotate-server-certificates flag', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--rotate-server-certificates'], kubeletConfig: base() })) },
  ],
  invalid: [
    {
      name: 'config file omits serverTLSBootstrap (default false) and has no files',
      cp: singleHost(kubeadmNode({ kubeletConfig: base() })),
      findings: [{ field: 'serverTLSBootstrap', source: 'default', value: 'false', link: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1' }],
    },
    { name: 'tlsCertFile without the key', cp: singleHost(kubeadmNode({ kubeletConfig: { ...base(), tlsCertFile: '/k.crt' } })), findings: [{ field: 'serverTLSBootstrap' }] },
    {
      name: 'serverTLSBootstrap with the RotateKubeletServerCertificate gate off',
      cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--feature-gates=RotateKubeletServerCertificate=false'] })),
      findings: [{ flag: '--feature-gates', value: 'false', detail: 'feature gate is off' }],
    },
  ],
});
