import check from '../../../src/checks/authn/oidc-legacy-flags.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { jwt, withAuthn } from './jwt-fixtures.js';

testCheck(check, {
  valid: [
    { name: 'structured config', cp: withAuthn([jwt()]) },
    { name: 'flags on 1.29, before structured config is on by default', cp: singleHost((h) => h.apiserver(['--oidc-issuer-url=https://login.example.com']), 'v1.29.3') },
  ],
  invalid: [{ name: 'flags on 1.31', cp: singleHost((h) => h.apiserver(['--oidc-issuer-url=https://login.example.com'])), findings: [{ flag: '--oidc-issuer-url' }] }],
});
