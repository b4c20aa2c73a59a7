import check from '../../../src/checks/authn/jwt-config-invalid.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { AUTHN, jwt, withAuthn } from './jwt-fixtures.js';

const OIDC = ['--oidc-issuer-url=https://login.example.com', '--oidc-client-id=kubernetes'];

testCheck(check, {
  valid: [
    { name: 'valid structured config', cp: withAuthn([jwt()]) },
    { name: 'valid flags', cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-signing-algs=RS256,ES256', '--oidc-required-claim=hd=example.com', '--oidc-required-claim=tenant=a'])) },
    { name: 'v1beta1 on 1.30', cp: withAuthn([jwt()], [], 'v1.30.2', 'apiserver.config.k8s.io/v1beta1') },
    {
      name: 'email expression with email_verified',
      cp: withAuthn([jwt({}, { username: { expression: "claims.email_verified ? claims.email : ''" } })]),
    },
    {
      name: 'anonymous section on 1.31 with the gate',
      cp: singleHost((h) => h.apiserver(['--authentication-config=/etc/kubernetes/authn.yaml', '--feature-gates=AnonymousAuthConfigurableEndpoints=true'], { version: 'v1.31.4' }).file(AUTHN, { document: { apiVersion: 'apiserver.config.k8s.io/v1beta1', anonymous: { enabled: true } } })),
    },
    { name: 'discoveryURL elsewhere than the issuer', cp: withAuthn([jwt({ issuer: { url: 'https://login.example.com', discoveryURL: 'https://oidc.oidc.svc/.well-known/openid-configuration', audiences: ['kubernetes'] } })]) },
    { name: 'two audiences with MatchAny', cp: withAuthn([jwt({ issuer: { url: 'https://login.example.com', audiences: ['a', 'b'], audienceMatchPolicy: 'MatchAny' } })]) },
  ],
  invalid: [
    // validation.go validateIssuerDiscoveryURL: compared without trailing slashes; then validateURL
    {
      name: 'discoveryURL is the issuer URL with a trailing slash',
      cp: withAuthn([jwt({ issuer: { url: 'https://login.example.com', discoveryURL: 'https://login.example.com//', audiences: ['kubernetes'] } })]),
      findings: [{ field: 'jwt.0.issuer.discoveryURL', detail: 'must be different from the issuer URL' }],
    },
    {
      name: 'discoveryURL over http with a query',
      cp: withAuthn([jwt({ issuer: { url: 'https://login.example.com', discoveryURL: 'http://oidc.oidc.svc/d?x=1', audiences: ['kubernetes'] } })]),
      findings: [
        { field: 'jwt.0.issuer.discoveryURL', detail: 'URL scheme must be https' },
        { field: 'jwt.0.issuer.discoveryURL', detail: 'must not contain a query' },
      ],
    },
    {
      name: 'two authenticators with one discoveryURL',
      cp: withAuthn([
        jwt({ issuer: { url: 'https://a.example.com', discoveryURL: 'https://oidc.oidc.svc/d', audiences: ['kubernetes'] } }),
        jwt({ issuer: { url: 'https://b.example.com', discoveryURL: 'https://oidc.oidc.svc/d', audiences: ['kubernetes'] } }),
      ]),
      findings: [{ field: 'jwt.1.issuer.discoveryURL', detail: 'discovery URLs must be unique' }],
    },
    { name: 'http issuer (flags)', cp: singleHost((h) => h.apiserver(['--oidc-issuer-url=http://login.example.com', '--oidc-client-id=k'])), findings: [{ flag: '--oidc-issuer-url', detail: 'URL scheme must be https' }] },
    { name: 'issuer without client id', cp: singleHost((h) => h.apiserver(['--oidc-issuer-url=https://login.example.com'])), findings: [{ flag: '--oidc-client-id', detail: 'without --oidc-client-id' }] },
    { name: 'HS256 is never accepted', cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-signing-algs=HS256'])), findings: [{ flag: '--oidc-signing-algs', detail: 'HS256' }] },
    { name: '--oidc-required-claim without a value', cp: singleHost((h) => h.apiserver([...OIDC, '--oidc-required-claim=hd'])), findings: [{ flag: '--oidc-required-claim', detail: 'not key=value' }] },
    { name: 'flags beside jwt in the config', cp: withAuthn([jwt()], ['--oidc-issuer-url=https://x.example.com']), findings: [{ flag: '--oidc-issuer-url', detail: 'cannot be combined' }] },
    { name: 'v1 before 1.34', cp: withAuthn([jwt()], [], 'v1.31.0'), findings: [{ file: AUTHN, line: 1, detail: 'served from Kubernetes 1.34' }] },
    { name: 'the flag before 1.29', cp: withAuthn([jwt()], [], 'v1.28.0', 'apiserver.config.k8s.io/v1alpha1'), findings: [{ flag: '--authentication-config' }] },
    { name: 'username claim without prefix field', cp: withAuthn([jwt({}, { username: { claim: 'sub' } })]), findings: [{ line: 11, detail: 'prefix is required' }] },
    { name: 'groups claim without prefix field', cp: withAuthn([jwt({}, { groups: { claim: 'groups' } })]), findings: [{ line: 14, detail: 'groups.prefix is required' }] },
    { name: 'email expression without email_verified', cp: withAuthn([jwt({}, { username: { expression: 'claims.email' } })]), findings: [{ line: 10, detail: 'email_verified' }] },
    { name: 'several audiences without MatchAny', cp: withAuthn([jwt({ issuer: { url: 'https://login.example.com', audiences: ['a', 'b'] } })]), findings: [{ line: 7, detail: 'MatchAny' }] },
    { name: 'duplicate issuers', cp: withAuthn([jwt(), jwt()]), findings: [{ line: 25, detail: 'unique' }] },
    { name: 'issuer equals the service-account issuer', cp: withAuthn([jwt()], ['--service-account-issuer=https://login.example.com']), findings: [{ line: 5, detail: 'service-account-issuer' }] },
    {
      name: 'anonymous section on 1.31 without the feature gate',
      cp: singleHost((h) => h.apiserver(['--authentication-config=/etc/kubernetes/authn.yaml'], { version: 'v1.31.4' }).file(AUTHN, { document: { apiVersion: 'apiserver.config.k8s.io/v1beta1', anonymous: { enabled: true, conditions: [{ path: '/healthz' }] } }, lines: { anonymous: 3 } })),
      findings: [{ line: 3, detail: 'AnonymousAuthConfigurableEndpoints' }],
    },
    {
      name: 'reserved extra key',
      cp: withAuthn([jwt({}, { extra: [{ key: 'authentication.kubernetes.io/tenant', valueExpression: 'claims.t' }] })]),
      findings: [{ field: 'jwt.0.claimMappings.extra.0.key', detail: 'reserved' }],
    },
  ],
});
