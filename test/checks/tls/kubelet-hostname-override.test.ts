import check from '../../../src/checks/tls/kubelet-hostname-override.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { KUBELET, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'not set', cp: singleHost(kubeadmNode()) }],
  invalid: [{ name: '--hostname-override node-a (space form)', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--hostname-override', 'node-a'] })), findings: [{ severity: 'low', value: 'node-a', detail: 'node-a' }] }],
});
