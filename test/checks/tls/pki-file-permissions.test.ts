import check from '../../../src/checks/tls/pki-file-permissions.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { cert, kubeadmNode } from './kubeadm.js';

const key = { type: 'rsa', bits: 2048, publicKeyFingerprint: 'ab' };

testCheck(check, {
  valid: [
    { name: 'kubeadm: certs 0644, keys 0600, root:root', cp: singleHost(kubeadmNode()) },
    { name: 'certificates stricter than 0644 (cis-1.9 wanted 0600)', cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/pki/ca.crt', { mode: 0o600, certificates: [cert('kubernetes')] }); }) },
    { name: 'a symlink is judged through its target', cp: singleHost((h) => { kubeadmNode()(h); h.file('var/lib/kubelet/pki/kubelet-client-current.pem', { type: 'symlink', mode: 0o777, privateKey: key }); }) },
  ],
  invalid: [
    {
      name: 'the CA key readable by the group (CIS 1.1.21)',
      cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/pki/ca.key', { mode: 0o640 }); }),
      findings: [{ component: 'ca.key', file: 'etc/kubernetes/pki/ca.key', value: '0640', detail: 'private key etc/kubernetes/pki/ca.key has mode 0640, wider than 0600 (CIS 1.1.21)' }],
    },
    { name: 'a certificate writable by the group (CIS 1.1.20)', cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/pki/apiserver.crt', { mode: 0o664, certificates: [cert('kube-apiserver')] }); }), findings: [{ value: '0664', detail: 'CIS 1.1.20' }] },
    { name: 'the etcd directory not owned by root (CIS 1.1.19)', cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/kubernetes/pki/etcd', { type: 'directory', mode: 0o700, uid: 999, gid: 999, owner: 'etcd', group: 'etcd' }); }), findings: [{ value: 'etcd:etcd', detail: 'CIS 1.1.19' }] },
    { name: 'a private key outside the PKI directory', cp: singleHost((h) => { kubeadmNode()(h); h.file('etc/etcd/pki/server.key', { mode: 0o644, privateKey: key }); }), findings: [{ file: 'etc/etcd/pki/server.key', value: '0644' }] },
  ],
});
