import { defineCheck } from '../registry.js';
import { componentsOf, flag, hostOf } from '../../model/effective.js';
import { DOCS } from './common.js';
import { APISERVER_ALLOWED, judgeCiphers } from './ciphers.js';

export default defineCheck({
  id: 'tls/apiserver-cipher-suites',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.2.29'],
  title: 'API server offers cipher suites outside the CIS allow-list',
  why: 'Suites with RSA key exchange have no forward secrecy (a stolen serving key decrypts recorded traffic), and CBC and 3DES suites have a history of padding-oracle and birthday attacks. Every client of the API server, kubelets and controllers included, can be negotiated down to the weakest suite offered.',
  remediation:
    'Set --tls-cipher-suites on kube-apiserver (kubeadm: /etc/kubernetes/manifests/kube-apiserver.yaml, or apiServer.extraArgs in the ClusterConfiguration) to ECDHE AEAD suites only, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305.',
  references: [DOCS.apiserver],
  reads: 'kube-apiserver --tls-cipher-suites (unset: Go defaults)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) judgeCiphers(c, hostOf(cp, c), flag(cp, c, 'tls-cipher-suites'), APISERVER_ALLOWED, report);
  },
});
