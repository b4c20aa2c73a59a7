import check from '../../../src/checks/tls/apiserver-cipher-suites.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'ECDHE AEAD suites', cp: singleHost(kubeadmNode()) },
    { name: 'TLS 1.3 names and the _SHA256 ChaCha aliases are on the API server list', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256') })) },
    { name: 'repeated flag: slices accumulate', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', '+--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384') })) },
  ],
  invalid: [
    { name: 'unset: Go defaults, info only', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--tls-cipher-suites') })), findings: [{ severity: 'info', source: 'default', detail: "Go's default cipher suites" }] },
    {
      name: 'RSA key exchange and CBC suites (allowed by cis-1.9, not cis-1.12)',
      cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA') })),
      findings: [{ severity: 'medium', detail: 'TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA' }],
    },
    { name: 'a weak suite in a second occurrence', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '+--tls-cipher-suites=TLS_RSA_WITH_3DES_EDE_CBC_SHA') })), findings: [{ detail: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA' }] },
  ],
});
