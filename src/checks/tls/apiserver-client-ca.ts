import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-client-ca',
  practice: 'tls',
  severity: 'high',
  cis: ['1.2.25'],
  title: 'API server does not authenticate client certificates',
  why: 'Without --client-ca-file the API server ignores client certificates: kubelets, the controller manager and the scheduler cannot authenticate with the certificates in their kubeconfigs, which pushes clusters toward static tokens, anonymous access or insecure ports.',
  remediation: 'Set --client-ca-file on kube-apiserver to the cluster CA certificate (kubeadm: /etc/kubernetes/pki/ca.crt in /etc/kubernetes/manifests/kube-apiserver.yaml).',
  references: [DOCS.certificates, 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates'],
  reads: 'kube-apiserver --client-ca-file',
  run: requireFlags('kube-apiserver', ['client-ca-file']),
});
