import check from '../../../src/checks/encryption/service-account-keys.js';
import { singleHost, type HostBuilder } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const key = (fp: string) => ({ type: 'rsa', bits: 2048, publicKeyFingerprint: fp });
const files = (h: HostBuilder, kcmKey = 'sa-1') =>
  h
    .file('etc/kubernetes/pki/sa.pub', { publicKey: key('sa-1') })
    .file('etc/kubernetes/pki/sa-old.pub', { publicKey: key('sa-0') })
    .file('etc/kubernetes/pki/sa.key', { privateKey: key(kcmKey) });
const API = ['--service-account-key-file=/etc/kubernetes/pki/sa.pub', '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key'];
const KCM = ['--service-account-private-key-file=/etc/kubernetes/pki/sa.key'];

testCheck(check, {
  valid: [
    { name: 'kubeadm pair', cp: singleHost((h) => files(h.apiserver(API).controllerManager(KCM))) },
    { name: 'rotation: new and old verification keys (repeated flag)', cp: singleHost((h) => files(h.apiserver([...API, '--service-account-key-file=/etc/kubernetes/pki/sa-old.pub']).controllerManager(KCM))) },
  ],
  invalid: [
    {
      name: 'neither flag set',
      cp: singleHost((h) => h.apiserver([]).controllerManager([])),
      findings: [
        { component: 'kube-apiserver', flag: '--service-account-key-file', detail: '1.2.22' },
        { component: 'kube-controller-manager', flag: '--service-account-private-key-file', detail: '1.3.4' },
      ],
    },
    {
      name: 'controller-manager signs with a key the API server does not verify',
      cp: singleHost((h) => files(h.apiserver(['--service-account-key-file=/etc/kubernetes/pki/sa-old.pub']).controllerManager(KCM))),
      findings: [{ severity: 'high', component: 'kube-controller-manager', detail: 'rejected' }],
    },
    {
      name: 'API server signing key not among its verification keys',
      cp: singleHost((h) => files(h.apiserver(['--service-account-key-file=/etc/kubernetes/pki/sa-old.pub', '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key']))),
      findings: [{ severity: 'high', flag: '--service-account-signing-key-file' }],
    },
  ],
});
