import check from '../../../src/checks/authn/bootstrap-token-auth.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'unset: default false', cp: singleHost((h) => h.apiserver([])) },
    { name: 'false', cp: singleHost((h) => h.apiserver(['--enable-bootstrap-token-auth=false'])) },
  ],
  invalid: [{ name: 'enabled', cp: singleHost((h) => h.apiserver(['--enable-bootstrap-token-auth=true'])), findings: [{ severity: 'info', flag: '--enable-bootstrap-token-auth' }] }],
});
