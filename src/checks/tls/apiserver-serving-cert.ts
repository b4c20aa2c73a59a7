import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-serving-cert',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.2.24'],
  title: 'API server serves TLS with a self-generated certificate',
  why: 'Without --tls-cert-file/--tls-private-key-file the API server writes a self-signed certificate into --cert-dir (default /var/run/kubernetes) at start. No cluster CA vouches for it, so kubelets, controllers and users can only verify it by pinning that exact file, and in practice skip verification, which lets anyone in the path impersonate the API server.',
  remediation:
    'Set --tls-cert-file and --tls-private-key-file on kube-apiserver to a certificate signed by the cluster CA with every name and IP clients use (kubeadm: /etc/kubernetes/pki/apiserver.{crt,key} in /etc/kubernetes/manifests/kube-apiserver.yaml).',
  references: [DOCS.certificates, DOCS.apiserver],
  reads: 'kube-apiserver --tls-cert-file, --tls-private-key-file',
  run: requireFlags('kube-apiserver', ['tls-cert-file', 'tls-private-key-file']),
});
