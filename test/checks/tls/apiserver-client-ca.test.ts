import check from '../../../src/checks/tls/apiserver-client-ca.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm', cp: singleHost(kubeadmNode()) }],
  invalid: [{ name: 'no --client-ca-file', cp: singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--client-ca-file') })), findings: [{ flag: '--client-ca-file', value: null }] }],
});
