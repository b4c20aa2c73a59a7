import check from '../../../src/checks/rbac/abac.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'Node,RBAC', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])) },
    { name: 'a mode merely containing the letters ABAC is not matched by substring', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC', '--authorization-webhook-config-file=/etc/kubernetes/ABAC-webhook.conf'])) },
  ],
  invalid: [
    { name: 'ABAC in --authorization-mode', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,ABAC,RBAC', '--authorization-policy-file=/etc/kubernetes/abac.jsonl'])), findings: [{ flag: '--authorization-mode' }] },
    {
      name: 'ABAC authorizer in --authorization-config',
      cp: singleHost((h) =>
        h
          .apiserver(['--authorization-config=/etc/kubernetes/authz.yaml', '--authorization-policy-file=/etc/kubernetes/abac.jsonl'])
          .file('etc/kubernetes/authz.yaml', { document: { authorizers: [{ type: 'Node', name: 'node' }, { type: 'ABAC', name: 'abac' }] }, lines: { 'authorizers.1.type': 7 } }),
      ),
      findings: [{ file: 'etc/kubernetes/authz.yaml', line: 7, value: 'ABAC' }],
    },
    { name: '--authorization-policy-file without ABAC', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC', '--authorization-policy-file=/etc/kubernetes/abac.jsonl'])), findings: [{ flag: '--authorization-policy-file' }] },
  ],
});
