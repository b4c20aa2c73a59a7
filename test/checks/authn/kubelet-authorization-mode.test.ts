import authz from '../../../src/checks/authn/kubelet-authorization-mode.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const CONFIG = { config: { kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1' } };

// Pain point (kube-bench 4.2.2): a config file that omits the field is already secure (kubelet anonymous auth and the
// read-only port are tls/kubelet-anonymous-auth and tls/kubelet-read-only-port).
testCheck(authz, {
  valid: [
    { name: 'config file omits the field: config default Webhook', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], CONFIG)) },
    { name: 'flag Webhook', cp: singleHost((h) => h.kubelet(['--authorization-mode=Webhook'])) },
  ],
  invalid: [
    { name: 'flags only: legacy default AlwaysAllow', cp: singleHost((h) => h.kubelet([])), findings: [{ source: 'default', value: 'AlwaysAllow' }] },
    { name: 'config field AlwaysAllow', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { authorization: { mode: 'AlwaysAllow' } } })), findings: [{ field: 'authorization.mode' }] },
  ],
});
