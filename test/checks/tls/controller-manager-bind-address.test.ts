import check from '../../../src/checks/tls/controller-manager-bind-address.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { CONTROLLER_MANAGER, edit, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: '127.0.0.1', cp: singleHost(kubeadmNode()) },
    { name: '::1', cp: singleHost(kubeadmNode({ controllerManager: edit(CONTROLLER_MANAGER, '--bind-address=::1') })) },
    { name: 'secure serving off (--secure-port=0)', cp: singleHost(kubeadmNode({ controllerManager: edit(CONTROLLER_MANAGER, '!--bind-address', '--secure-port=0') })) },
  ],
  invalid: [
    // kube-bench 1.3.7 passes an absent flag; the default is 0.0.0.0.
    {
      name: 'unset: the default 0.0.0.0 fails',
      cp: singleHost(kubeadmNode({ controllerManager: edit(CONTROLLER_MANAGER, '!--bind-address') })),
      findings: [{ source: 'default', value: '0.0.0.0', flag: '--bind-address', detail: 'unset: kube-controller-manager defaults to 0.0.0.0 (cmd/kube-controller-manager/app/options/options.go)' }],
    },
    { name: 'node IP', cp: singleHost(kubeadmNode({ controllerManager: edit(CONTROLLER_MANAGER, '--bind-address=10.0.0.10') })), findings: [{ value: '10.0.0.10', source: 'file' }] },
    { name: 'explicit 0.0.0.0', cp: singleHost(kubeadmNode({ controllerManager: edit(CONTROLLER_MANAGER, '--bind-address=0.0.0.0') })), findings: [{ value: '0.0.0.0' }] },
  ],
});
