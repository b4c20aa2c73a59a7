import check from '../../../src/checks/rbac/node-authorizer.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'Node,RBAC', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])) },
    { name: 'Node authorizer in --authorization-config', cp: singleHost((h) => h.apiserver(['--authorization-config=/etc/kubernetes/authz.yaml']).file('etc/kubernetes/authz.yaml', { document: { authorizers: [{ type: 'Node' }, { type: 'RBAC' }] } })) },
  ],
  invalid: [
    { name: 'RBAC only', cp: singleHost((h) => h.apiserver(['--authorization-mode=RBAC'])), findings: [{ flag: '--authorization-mode', value: 'RBAC' }] },
    { name: 'unset (default AlwaysAllow)', cp: singleHost((h) => h.apiserver([])), findings: [{ source: 'default' }] },
    { name: '"Nodes" is not Node (no substring matching)', cp: singleHost((h) => h.apiserver(['--authorization-mode=Nodes,RBAC'])), findings: [{ flag: '--authorization-mode' }] },
    {
      name: 'config without Node',
      cp: singleHost((h) => h.apiserver(['--authorization-config=/etc/kubernetes/authz.yaml']).file('etc/kubernetes/authz.yaml', { document: { authorizers: [{ type: 'RBAC' }] }, lines: { authorizers: 3 } })),
      findings: [{ file: 'etc/kubernetes/authz.yaml', line: 3, field: 'authorizers', value: 'RBAC' }],
    },
  ],
});
