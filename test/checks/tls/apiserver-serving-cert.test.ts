import check from '../../../src/checks/tls/apiserver-serving-cert.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm', cp: singleHost(kubeadmNode()) }],
  invalid: [{ name: 'self-signed into --cert-dir', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--tls-cert-file', '!--tls-private-key-file') })), findings: [{ flag: '--tls-cert-file', severity: 'medium' }] }],
});
