/** AuthenticationConfiguration documents for the JWT checks, with a line per field. */
import { singleHost } from '../../helpers/fixture.js';

export const AUTHN = 'etc/kubernetes/authn.yaml';

export function jwt(overrides: Record<string, unknown> = {}, claimMappings: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuer: { url: 'https://login.example.com', audiences: ['kubernetes'] },
    claimMappings: { username: { claim: 'sub', prefix: 'oidc:' }, groups: { claim: 'groups', prefix: 'oidc:' }, ...claimMappings },
    ...overrides,
  };
}

const LINES: Record<string, number> = {
  apiVersion: 1,
  'jwt.0.issuer.url': 5,
  'jwt.0.issuer.audiences': 6,
  'jwt.0.issuer.audienceMatchPolicy': 7,
  'jwt.0.claimMappings.username': 9,
  'jwt.0.claimMappings.username.claim': 10,
  'jwt.0.claimMappings.username.prefix': 11,
  'jwt.0.claimMappings.username.expression': 10,
  'jwt.0.claimMappings.groups.prefix': 14,
  'jwt.0.claimMappings.groups.expression': 13,
  'jwt.1.issuer.url': 25,
};

export function withAuthn(jwts: Record<string, unknown>[], args: string[] = [], version = 'v1.34.1', apiVersion = 'apiserver.config.k8s.io/v1') {
  return singleHost((h) => h.apiserver(['--authentication-config=/etc/kubernetes/authn.yaml', ...args], { version }).file(AUTHN, { document: { apiVersion, kind: 'AuthenticationConfiguration', jwt: jwts }, lines: LINES }));
}
