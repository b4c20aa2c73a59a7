import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-kubelet-ca',
  practice: 'tls',
  severity: 'high',
  cis: ['1.2.5'],
  title: 'API server does not verify kubelet serving certificates',
  why: 'Without --kubelet-certificate-authority the API server connects to kubelets over TLS but accepts any certificate. Anyone who can redirect traffic to port 10250 receives the API server\'s exec, attach, logs and port-forward streams, and can answer them.',
  remediation:
    'Give kubelets CA-signed serving certificates (serverTLSBootstrap: true in the kubelet config plus an approver for kubernetes.io/kubelet-serving CSRs), then set --kubelet-certificate-authority on kube-apiserver to that CA (kubeadm: /etc/kubernetes/pki/ca.crt in /etc/kubernetes/manifests/kube-apiserver.yaml). Setting it before the kubelets have such certificates breaks kubectl logs/exec.',
  references: [DOCS.nodeCommunication, DOCS.kubeletBootstrap],
  reads: 'kube-apiserver --kubelet-certificate-authority',
  run: requireFlags('kube-apiserver', ['kubelet-certificate-authority'], 'apiserver-kubelet'),
});
