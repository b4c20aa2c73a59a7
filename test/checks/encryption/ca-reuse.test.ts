import check from '../../../src/checks/encryption/ca-reuse.js';
import { singleHost, type HostBuilder } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { ca, cert } from '../authn/cert-fixtures.js';

const ETCD = ['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt'];
const base = (h: HostBuilder, issuer: string) =>
  h
    .apiserver(['--client-ca-file=/etc/kubernetes/pki/ca.crt'])
    .etcd(ETCD)
    .file('etc/kubernetes/pki/ca.crt', { certificates: [ca('kubernetes')] })
    .file('etc/kubernetes/pki/etcd/server.crt', { certificates: [cert({ subject: 'CN=etcd-server', authorityKeyId: `ski-${issuer}` })] })
    .file('etc/kubernetes/pki/etcd/peer.crt', { certificates: [cert({ subject: 'CN=etcd-peer', authorityKeyId: `ski-${issuer}` })] });

testCheck(check, {
  valid: [{ name: 'kubeadm: etcd certificates from the etcd CA', cp: singleHost((h) => base(h, 'etcd-ca')) }],
  invalid: [
    {
      name: 'etcd serving and peer certificates from the cluster CA',
      cp: singleHost((h) => base(h, 'kubernetes')),
      findings: [{ flag: '--cert-file', detail: 'serving certificate CN=etcd-server' }, { flag: '--peer-cert-file', detail: 'peer' }],
    },
  ],
});
