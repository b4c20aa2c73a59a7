import check from '../../../src/checks/tls/kubelet-read-only-port.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'config file without readOnlyPort: the config default is 0', cp: singleHost(kubeadmNode()) },
    { name: 'flag-only with --read-only-port=0', cp: singleHost(kubeadmNode({ kubelet: ['--read-only-port=0'], kubeletConfig: null })) },
    { name: '--read-only-port 0 (space form)', cp: singleHost(kubeadmNode({ kubelet: ['--read-only-port', '0'], kubeletConfig: null })) },
  ],
  invalid: [
    { name: 'flag-only kubelet: legacy default 10255', cp: singleHost(kubeadmNode({ kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf'], kubeletConfig: null })), findings: [{ source: 'default', value: '10255', detail: 'unset: kubelet defaults to 10255' }] },
    { name: 'readOnlyPort: 10255 in the config', cp: singleHost(kubeadmNode({ kubeletConfig: { ...kubeletConfig(), readOnlyPort: 10255 } })), findings: [{ field: 'readOnlyPort', value: '10255' }] },
    { name: 'the flag wins over readOnlyPort: 0', cp: singleHost(kubeadmNode({ kubelet: [...KUBELET, '--read-only-port=10255'], kubeletConfig: { ...kubeletConfig(), readOnlyPort: 0 } })), findings: [{ flag: '--read-only-port', source: 'unit' }] },
  ],
});
