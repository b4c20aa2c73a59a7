import { defineCheck } from '../registry.js';
import { DOCS, requireFlags } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-etcd-client-cert',
  practice: 'tls',
  severity: 'high',
  cis: ['1.2.23'],
  title: 'API server has no client certificate for etcd',
  why: 'etcd holds every object of the cluster, Secrets included; access to it is root on the cluster. If the API server presents no client certificate, etcd can only work with client-certificate authentication off, so anyone who reaches port 2379 can read and write it.',
  remediation:
    'Set --etcd-certfile and --etcd-keyfile on kube-apiserver to a client certificate from the etcd CA (kubeadm: /etc/kubernetes/pki/apiserver-etcd-client.{crt,key} in /etc/kubernetes/manifests/kube-apiserver.yaml), and turn on --client-cert-auth on etcd.',
  references: [DOCS.etcd, DOCS.apiserver],
  reads: 'kube-apiserver --etcd-certfile, --etcd-keyfile',
  run: requireFlags('kube-apiserver', ['etcd-certfile', 'etcd-keyfile'], 'apiserver-etcd'),
});
