import check from '../../../src/checks/tls/controller-manager-root-ca.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { CONTROLLER_MANAGER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm', cp: singleHost(kubeadmNode()) }],
  invalid: [{ name: 'no --root-ca-file', cp: singleHost(kubeadmNode({ controllerManager: edit(CONTROLLER_MANAGER, '!--root-ca-file') })), findings: [{ component: 'kube-controller-manager', flag: '--root-ca-file' }] }],
});
