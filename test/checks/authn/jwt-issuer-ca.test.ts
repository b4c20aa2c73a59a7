import check from '../../../src/checks/authn/jwt-issuer-ca.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { jwt, withAuthn } from './jwt-fixtures.js';

const oidc = (url: string, ...more: string[]) => singleHost((h) => h.apiserver([`--oidc-issuer-url=${url}`, '--oidc-client-id=kubernetes', ...more]));

testCheck(check, {
  valid: [
    { name: 'public issuer, system roots', cp: oidc('https://accounts.google.com') },
    { name: 'private issuer with --oidc-ca-file', cp: oidc('https://dex.internal', '--oidc-ca-file=/etc/kubernetes/pki/dex-ca.crt') },
    { name: 'structured config with certificateAuthority', cp: withAuthn([jwt({ issuer: { url: 'https://10.0.0.10:5556/dex', audiences: ['k'], certificateAuthority: '-----BEGIN CERTIFICATE-----' } })]) },
  ],
  invalid: [
    { name: 'internal name', cp: oidc('https://dex.internal'), findings: [{ flag: '--oidc-ca-file', source: 'default' }] },
    { name: 'private IP in structured config', cp: withAuthn([jwt({ issuer: { url: 'https://192.168.1.20/realms/k8s', audiences: ['k'] } })]), findings: [{ field: 'jwt.0.issuer.certificateAuthority' }] },
    { name: 'cluster service name', cp: oidc('https://keycloak.auth.svc.cluster.local/realms/k8s'), findings: [{ detail: 'keycloak.auth.svc.cluster.local' }] },
  ],
});
