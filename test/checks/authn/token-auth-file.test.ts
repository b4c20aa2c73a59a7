import check from '../../../src/checks/authn/token-auth-file.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [{ name: 'not set', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])) }],
  invalid: [
    { name: 'set, with the entry count and never the tokens', cp: singleHost((h) => h.apiserver(['--token-auth-file=/etc/kubernetes/tokens.csv']).file('etc/kubernetes/tokens.csv', { entryCount: 3 })), findings: [{ flag: '--token-auth-file', detail: '3 token(s)' }] },
    { name: 'file not read', cp: singleHost((h) => h.apiserver(['--token-auth-file', '/srv/tokens.csv'])), findings: [{ value: '/srv/tokens.csv' }] },
  ],
});
