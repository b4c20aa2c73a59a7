import check from '../../../src/checks/etcd/trusted-ca.js';
import { controlPlane, singleHost, type HostBuilder } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { ca } from '../authn/cert-fixtures.js';

const ETCD = ['--client-cert-auth=true', '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt'];
const API = ['--client-ca-file=/etc/kubernetes/pki/ca.crt', '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt'];
const pki = (h: HostBuilder, etcdCa = ca('etcd-ca')) =>
  h
    .file('etc/kubernetes/pki/ca.crt', { certificates: [ca('kubernetes')] })
    .file('etc/kubernetes/pki/front-proxy-ca.crt', { certificates: [ca('front-proxy-ca')] })
    .file('etc/kubernetes/pki/etcd/ca.crt', { certificates: [etcdCa] });

testCheck(check, {
  valid: [
    { name: 'kubeadm layout: a separate etcd CA', cp: singleHost((h) => pki(h.apiserver(API).etcd(ETCD))) },
    { name: 'no client cert auth: etcd/client-cert-auth reports that', cp: singleHost((h) => h.etcd([])) },
  ],
  invalid: [
    {
      name: 'same CA under a different path (Kubescape C-0159 compares paths and passes this)',
      cp: singleHost((h) => pki(h.apiserver(API).etcd(ETCD), ca('kubernetes'))),
      findings: [{ flag: '--trusted-ca-file', detail: 'cluster client CA' }],
    },
    {
      name: 're-issued CA certificate for the same key as the front-proxy CA',
      cp: singleHost((h) => pki(h.apiserver(API).etcd(ETCD), ca('etcd-ca', { key: { type: 'rsa', bits: 2048, publicKeyFingerprint: 'pk-front-proxy-ca' } }))),
      findings: [{ detail: 'front-proxy CA' }],
    },
    {
      name: 'dedicated etcd host sharing the CA of an API server on another host',
      cp: controlPlane()
        .host('etcd-1', (h) => h.etcd(ETCD, { origin: 'systemd' }).file('etc/kubernetes/pki/etcd/ca.crt', { certificates: [ca('kubernetes')] }))
        .host('cp-1', (h) => h.apiserver(API).file('etc/kubernetes/pki/ca.crt', { certificates: [ca('kubernetes')] }))
        .build(),
      findings: [{ host: 'etcd-1', detail: 'on cp-1' }],
    },
    { name: 'client cert auth without a trusted CA', cp: singleHost((h) => h.etcd(['--client-cert-auth'])), findings: [{ source: 'default', detail: 'system roots' }] },
  ],
});
