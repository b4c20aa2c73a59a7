import check from '../../../src/checks/tls/scheduler-bind-address.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, kubeadmNode, SCHEDULER } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: '127.0.0.1', cp: singleHost(kubeadmNode()) },
    { name: '--bind-address 127.0.0.1 (space form)', cp: singleHost(kubeadmNode({ scheduler: [...edit(SCHEDULER, '!--bind-address'), '--bind-address', '127.0.0.1'] })) },
  ],
  invalid: [
    { name: 'unset: 0.0.0.0', cp: singleHost(kubeadmNode({ scheduler: edit(SCHEDULER, '!--bind-address') })), findings: [{ component: 'kube-scheduler', source: 'default', value: '0.0.0.0', detail: 'kube-scheduler defaults to 0.0.0.0' }] },
  ],
});
