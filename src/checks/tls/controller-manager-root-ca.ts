import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/controller-manager-root-ca',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.3.5'],
  title: 'Controller manager does not publish the cluster CA to pods',
  why: 'Pods verify the API server with the ca.crt of their service-account token and the kube-root-ca.crt ConfigMap. Without --root-ca-file the controller manager puts only the CA data of its own kubeconfig there (nothing when that kubeconfig names a CA file), so in-cluster clients cannot verify the API server and tend to turn verification off.',
  remediation: 'Set --root-ca-file on kube-controller-manager to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt in /etc/kubernetes/manifests/kube-controller-manager.yaml).',
  references: [DOCS.controllerManager, 'https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/'],
  reads: 'kube-controller-manager --root-ca-file',
  run: requireFlags('kube-controller-manager', ['root-ca-file']),
});
