import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-etcd-ca',
  practice: 'tls',
  severity: 'high',
  cis: ['1.2.26'],
  title: 'API server does not verify etcd against the etcd CA',
  why: 'Without --etcd-cafile the API server checks etcd\'s certificate only against the system trust store, not against the CA that issued it: the connection either fails or trusts any publicly issued certificate for that name, so an attacker in the path can pose as etcd and read every object the API server writes.',
  remediation: 'Set --etcd-cafile on kube-apiserver to the etcd CA certificate (kubeadm: /etc/kubernetes/pki/etcd/ca.crt in /etc/kubernetes/manifests/kube-apiserver.yaml).',
  references: [DOCS.etcd, DOCS.apiserver],
  reads: 'kube-apiserver --etcd-cafile',
  run: requireFlags('kube-apiserver', ['etcd-cafile'], 'apiserver-etcd'),
});
