import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-kubelet-client-cert',
  practice: 'tls',
  severity: 'high',
  cis: ['1.2.4'],
  title: 'API server has no client certificate for kubelets',
  why: 'The API server calls every kubelet for logs, exec, attach and port-forward. Without --kubelet-client-certificate/--kubelet-client-key it cannot authenticate itself, so kubelets either refuse it or must accept anonymous callers, which lets anyone who reaches port 10250 run commands in every pod.',
  remediation:
    'Set --kubelet-client-certificate and --kubelet-client-key on kube-apiserver to a client certificate signed by the kubelets\' client CA (kubeadm: /etc/kubernetes/pki/apiserver-kubelet-client.{crt,key} in /etc/kubernetes/manifests/kube-apiserver.yaml), and grant it system:kubelet-api-admin.',
  references: [DOCS.nodeCommunication, DOCS.kubeletAuth],
  reads: 'kube-apiserver --kubelet-client-certificate, --kubelet-client-key',
  run: requireFlags('kube-apiserver', ['kubelet-client-certificate', 'kubelet-client-key'], 'apiserver-kubelet'),
});
