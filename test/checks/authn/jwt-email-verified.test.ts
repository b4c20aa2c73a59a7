import check from '../../../src/checks/authn/jwt-email-verified.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { jwt, withAuthn } from './jwt-fixtures.js';

const OIDC = ['--oidc-issuer-url=https://login.example.com', '--oidc-client-id=kubernetes'];

testCheck(check, {
  valid: [
    { name: 'sub claim', cp: singleHost((h) => h.apiserver(OIDC)) },
    { name: 'email with a rule requiring email_verified', cp: withAuthn([jwt({ claimValidationRules: [{ expression: 'claims.?email_verified.orValue(false) == true', message: 'verify' }] }, { username: { claim: 'email', prefix: '' } })]) },
  ],
  invalid: [
    { name: 'flags: email claim', cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-username-claim=email'])), findings: [{ flag: '--oidc-username-claim', value: 'email' }] },
    { name: 'structured: email claim', cp: withAuthn([jwt({}, { username: { claim: 'email', prefix: '' } })]), findings: [{ line: 10 }] },
  ],
});
