import { defineCheck } from '../registry.js';
import { componentsOf, hostOf, kubeletSetting } from '../../model/effective.js';
import { DOCS } from './common.js';
import { judgeCiphers, KUBELET_ALLOWED } from './ciphers.js';

export default defineCheck({
  id: 'tls/kubelet-cipher-suites',
  practice: 'tls',
  severity: 'medium',
  cis: ['4.2.12'],
  title: 'Kubelet offers cipher suites outside the CIS allow-list',
  why: 'The kubelet API carries exec, attach, logs and port-forward streams. Suites with RSA key exchange have no forward secrecy and CBC suites have a history of padding-oracle attacks; a client or a man in the middle can pick the weakest suite offered.',
  remediation:
    'Set tlsCipherSuites in the kubelet config file (kubeadm: /var/lib/kubelet/config.yaml) or --tls-cipher-suites to ECDHE AEAD suites only: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384.',
  references: [DOCS.kubeletConfig, DOCS.kubelet],
  reads: 'kubelet --tls-cipher-suites / tlsCipherSuites (unset: Go defaults)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kubelet')) judgeCiphers(c, hostOf(cp, c), kubeletSetting(cp, c, { flag: 'tls-cipher-suites', field: 'tlsCipherSuites' }), KUBELET_ALLOWED, report);
  },
});
