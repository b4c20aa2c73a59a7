import check from '../../../src/checks/tls/kubelet-cipher-suites.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

const without = (): Record<string, unknown> => {
  const c = kubeletConfig();
  delete c.tlsCipherSuites;
  return c;
};

testCheck(check, {
  valid: [
    { name: 'tlsCipherSuites (camelCase, not Kubescape\'s TLSCipherSuites) on the kubelet list', cp: singleHost(kubeadmNode()) },
    { name: '--tls-cipher-suites flag', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], kubeletConfig: without() })) },
  ],
  invalid: [
    { name: 'unset: Go defaults, info', cp: singleHost(kubeadmNode({ kubeletConfig: without() })), findings: [{ severity: 'info', field: 'tlsCipherSuites', source: 'default' }] },
    {
      name: 'the _SHA256 ChaCha alias is on the API server list but not the kubelet list',
      cp: singleHost(kubeadmNode({ kubeletConfig: { ...without(), tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'] } })),
      findings: [{ severity: 'medium', field: 'tlsCipherSuites', detail: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256' }],
    },
    { name: 'a misspelled TLSCipherSuites field is not read: Go defaults', cp: singleHost(kubeadmNode({ kubeletConfig: { ...without(), TLSCipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] } })), findings: [{ severity: 'info' }] },
  ],
});
