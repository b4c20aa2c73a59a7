import check from '../../../src/checks/rbac/rbac-authorizer.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'Node,RBAC', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])) },
    { name: 'repeated flag accumulates (pflag StringSlice)', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node', '--authorization-mode=RBAC'])) },
  ],
  invalid: [
    { name: 'unset (default AlwaysAllow)', cp: singleHost((h) => h.apiserver([])), findings: [{ source: 'default', value: 'AlwaysAllow' }] },
    { name: 'Node,Webhook', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,Webhook'])), findings: [{ flag: '--authorization-mode', value: 'Node,Webhook' }] },
  ],
});
