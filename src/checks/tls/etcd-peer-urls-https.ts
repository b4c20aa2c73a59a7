import { defineCheck } from '../registry.js';
import { DOCS } from './common.js';
import { plaintextUrlsRun } from './etcd-urls.js';

export default defineCheck({
  id: 'tls/etcd-peer-urls-https',
  practice: 'tls',
  severity: 'critical',
  cis: [],
  title: 'etcd peers talk over plain http',
  why: 'Peer URLs carry raft replication, which is the whole keyspace, Secrets included. Over http:// it crosses the network in clear and any host that reaches port 2380 can pose as a member. etcd listens on http://localhost:2380 when --listen-peer-urls is unset; loopback-only peer URLs matter less on a single member. kube-bench checks the peer certificate flags but not the URL scheme.',
  remediation:
    'Use https:// in --listen-peer-urls, --initial-advertise-peer-urls and --initial-cluster (or the ETCD_* variables, or the config file), with --peer-cert-file/--peer-key-file, --peer-trusted-ca-file and --peer-client-cert-auth (kubeadm: /etc/kubernetes/manifests/etcd.yaml).',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --listen-peer-urls, --initial-advertise-peer-urls (default http://localhost:2380)',
  run: plaintextUrlsRun(['listen-peer-urls', 'initial-advertise-peer-urls'], 'etcd-peer', { network: 'critical', loopback: 'low' }),
});
