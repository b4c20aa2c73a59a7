import check from '../../../src/checks/rbac/audit-enabled.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'policy and log path', cp: singleHost((h) => h.apiserver(['--audit-policy-file=/etc/kubernetes/audit.yaml', '--audit-log-path=/var/log/kubernetes/audit.log'])) },
    { name: 'policy and webhook only (kube-bench 1.2.16 fails this)', cp: singleHost((h) => h.apiserver(['--audit-policy-file=/etc/kubernetes/audit.yaml', '--audit-webhook-config-file=/etc/kubernetes/audit-webhook.conf'])) },
  ],
  invalid: [
    { name: 'log path without policy: no events at all', cp: singleHost((h) => h.apiserver(['--audit-log-path=/var/log/audit.log'])), findings: [{ flag: '--audit-policy-file', source: 'default', detail: 'backend stays empty' }] },
    { name: 'nothing set', cp: singleHost((h) => h.apiserver([])), findings: [{ flag: '--audit-policy-file' }] },
    { name: 'policy without a backend', cp: singleHost((h) => h.apiserver(['--audit-policy-file=/etc/kubernetes/audit.yaml'])), findings: [{ flag: '--audit-log-path', detail: 'dropped' }] },
  ],
});
