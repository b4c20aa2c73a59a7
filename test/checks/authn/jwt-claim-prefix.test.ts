import check from '../../../src/checks/authn/jwt-claim-prefix.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { AUTHN, jwt, withAuthn } from './jwt-fixtures.js';

const OIDC = ['--oidc-issuer-url=https://login.example.com', '--oidc-client-id=kubernetes'];

testCheck(check, {
  valid: [
    { name: 'structured config with prefixes', cp: withAuthn([jwt()]) },
    { name: 'flags: default username prefix is "<issuer>#" for a non-email claim, no groups claim', cp: singleHost((h) => h.apiserver(OIDC)) },
    { name: 'flags: both prefixes', cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-groups-claim=groups', '--oidc-groups-prefix=oidc:', '--oidc-username-prefix=oidc:'])) },
    {
      name: 'no prefixes but a userValidationRule rejecting system: names',
      cp: withAuthn([jwt({ userValidationRules: [{ expression: "!user.username.startsWith('system:') && user.groups.all(g, !g.startsWith('system:'))" }] }, { username: { claim: 'sub', prefix: '' }, groups: { claim: 'groups', prefix: '' } })]),
    },
  ],
  invalid: [
    {
      name: 'flags: groups claim without --oidc-groups-prefix (system:masters from the IdP)',
      cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-groups-claim=groups'])),
      findings: [{ severity: 'critical', flag: '--oidc-groups-prefix', source: 'default' }],
    },
    {
      name: 'flags: --oidc-username-prefix=- disables prefixing',
      cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-username-prefix=-'])),
      findings: [{ severity: 'high', flag: '--oidc-username-prefix', value: '-' }],
    },
    {
      name: 'flags: email claim gets no default prefix',
      cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-username-claim=email'])),
      findings: [{ severity: 'high', detail: 'claim "email"' }],
    },
    {
      name: 'structured: empty prefixes',
      cp: withAuthn([jwt({}, { username: { claim: 'sub', prefix: '' }, groups: { claim: 'groups', prefix: '' } })]),
      findings: [
        { severity: 'critical', file: AUTHN, line: 14 },
        { severity: 'high', file: AUTHN, line: 11 },
      ],
    },
    {
      name: 'structured: groups from an expression',
      cp: withAuthn([jwt({}, { groups: { expression: 'claims.roles' } })]),
      findings: [{ severity: 'critical', line: 13, detail: 'claims.roles' }],
    },
  ],
});
