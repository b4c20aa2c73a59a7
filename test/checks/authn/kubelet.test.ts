import anonymous from '../../../src/checks/authn/kubelet-anonymous-auth.js';
import authz from '../../../src/checks/authn/kubelet-authorization-mode.js';
import readOnly from '../../../src/checks/authn/kubelet-read-only-port.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const CONFIG = { config: { kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1' } };

// Pain point (kube-bench 4.2.1/4.2.2): a config file that omits the field is already secure.
testCheck(anonymous, {
  valid: [
    { name: 'config file omits the field: config default false', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], CONFIG)) },
    { name: 'flag false', cp: singleHost((h) => h.kubelet(['--anonymous-auth=false'])) },
    { name: 'config field false', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { authentication: { anonymous: { enabled: false } } } })) },
  ],
  invalid: [
    { name: 'flags only: legacy default true', cp: singleHost((h) => h.kubelet([])), findings: [{ source: 'default', value: 'true', detail: 'without --config' }] },
    { name: 'flag overrides the config file', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml', '--anonymous-auth=true'], { config: { authentication: { anonymous: { enabled: false } } } })), findings: [{ flag: '--anonymous-auth', value: 'true' }] },
    { name: 'config field true', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { authentication: { anonymous: { enabled: true } } } })), findings: [{ field: 'authentication.anonymous.enabled', file: 'var/lib/kubelet/config.yaml' }] },
  ],
});

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

testCheck(readOnly, {
  valid: [
    { name: 'config file omits the field: config default 0', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], CONFIG)) },
    { name: 'flag 0', cp: singleHost((h) => h.kubelet(['--read-only-port=0'])) },
  ],
  invalid: [
    { name: 'flags only: legacy default 10255', cp: singleHost((h) => h.kubelet([])), findings: [{ source: 'default', value: '10255' }] },
    { name: 'config field set', cp: singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { readOnlyPort: 10255 } })), findings: [{ field: 'readOnlyPort', value: '10255' }] },
  ],
});
