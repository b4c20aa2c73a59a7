/**
 * `oidc check-token` against tokens issued by a real oidc-provider (auth code + PKCE through its
 * login pages) and tokens crafted with its signing key, judged through the CLI.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from 'openid-client';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';
import { fetchWithCa } from '../../src/oidc/discovery.js';
import type { TokenVerdict } from '../../src/oidc/validate.js';

let op: TestProvider;
let dir: string;
let realToken: string;
let flags: string;
let jwksFile: string;

async function loginToken(user: string): Promise<string> {
  const f = fetchWithCa(op.caFile) as unknown as client.CustomFetch;
  const config = await client.discovery(new URL(op.issuer), op.clientId, undefined, client.None(), { [client.customFetch]: f });
  config[client.customFetch] = f;
  const verifier = client.randomPKCECodeVerifier();
  const redirect = 'http://127.0.0.1:9/callback';
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'openid email groups', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 's1',
  });
  const back = await op.browse(url.toString(), user);
  const tokens = await client.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier, expectedState: 's1' });
  if (!tokens.id_token) throw new Error('no id_token');
  return tokens.id_token;
}

async function craft(claims: JWTPayload, o: { alg?: string; key?: Record<string, unknown> } = {}): Promise<string> {
  const key = await importJWK(o.key ?? op.signingJwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: op.issuer, aud: op.clientId, sub: 'carol', iat: now, exp: now + 600, email: 'carol@example.test', email_verified: true, groups: ['devs'], ...claims })
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: 'rs1' })
    .sign(key);
}

beforeAll(async () => {
  op = await startOidcProvider({ users: { alice: { email: 'alice@example.test', groups: ['devs', 'system:masters'] } } });
  dir = pkiDir('kubeward-oidc-check-');
  realToken = await loginToken('alice');
  flags = `kube-apiserver --oidc-issuer-url=${op.issuer} --oidc-client-id=${op.clientId} --oidc-username-claim=email --oidc-groups-claim=groups --oidc-groups-prefix=oidc: --oidc-ca-file=/etc/x.pem`;
  jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(op.jwks));
}, 60_000);

afterAll(async () => {
  await op?.stop();
  if (dir) rmPki(dir);
});

describe('oidc check-token', () => {
  it('accepts a real ID token, fetching keys through discovery with the CA, and prints the user', async () => {
    const r = await runCli(['oidc', 'check-token', '-', '--apiserver-flags', flags, '--ca-file', op.caFile], { input: realToken });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('VALID');
    expect(r.stdout).toContain('username: alice@example.test');
    expect(r.stdout).toContain('groups:   oidc:devs, oidc:system:masters, system:authenticated');
    expect(r.stdout).not.toContain(realToken);
  });

  it('explains each rejection (exit 1) and never prints the token', async () => {
    const cases: [string, Promise<string>, RegExp][] = [
      ['wrong audience', craft({ aud: 'other' }), /audience "other" contains none of "kubectl"/],
      ['expired', craft({ exp: Math.floor(Date.now() / 1000) - 5 }), /expired at/],
      ['unverified email', craft({ email_verified: false }), /email_verified is false/],
      ['bad signature', craft({}, { key: otherKey() }), /signature does not verify/],
      ['other issuer', craft({ iss: `${op.issuer}/` }), /no JWT authenticator for issuer/],
      ['missing username claim', craft({ email: undefined }), /username claim "email" is missing/],
    ];
    for (const [name, tokenP, why] of cases) {
      const token = await tokenP;
      const r = await runCli(['oidc', 'check-token', token, '--apiserver-flags', flags, '--jwks', jwksFile]);
      expect(r.code, name).toBe(1);
      expect(r.stdout, name).toMatch(why);
      expect(r.stdout + r.stderr, name).not.toContain(token);
    }
  });

  it('applies required claims, default prefixes and --now', async () => {
    const token = await craft({ hd: 'example.test' });
    const base = `--oidc-issuer-url=${op.issuer} --oidc-client-id=kubectl`;
    const ok = await runCli(['oidc', 'check-token', token, '--apiserver-flags', `${base} --oidc-required-claim=hd=example.test`, '--jwks', jwksFile, '--format', 'json']);
    expect(ok.code).toBe(0);
    // authentication.go: no --oidc-username-prefix with the sub claim → "<issuer>#"
    expect((JSON.parse(ok.stdout) as TokenVerdict).user?.username).toBe(`${op.issuer}#carol`);
    const bad = await runCli(['oidc', 'check-token', token, '--apiserver-flags', `${base} --oidc-required-claim=hd=other.test`, '--jwks', jwksFile]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('required claim "hd" is "example.test", not "other.test"');
    const later = await runCli(['oidc', 'check-token', token, '--apiserver-flags', base, '--jwks', jwksFile, '--now', new Date(Date.now() + 3600_000).toISOString()]);
    expect(later.code).toBe(1);
    expect(later.stdout).toContain('expired');
  });

  it('evaluates a structured AuthenticationConfiguration: mappings, CEL claim and user rules, cannot-evaluate', async () => {
    const cfg = (extra: string): string => {
      const f = join(dir, `auth-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(f, `apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${op.issuer}
    audiences: [kubectl, other]
    audienceMatchPolicy: MatchAny
  claimMappings:
    username:
      expression: "'oidc:' + claims.email"
    groups:
      expression: "claims.groups.map(g, 'oidc:' + g)"
    uid:
      claim: sub
    extra:
    - key: example.test/team
      valueExpression: "claims.?team.orValue('none')"
${extra}`);
      return f;
    };
    const ok = cfg(`  claimValidationRules:
  - expression: "claims.?email_verified.orValue(true) == true"
    message: email must be verified
  userValidationRules:
  - expression: "!user.username.startsWith('system:')"
    message: no system users`);
    const token = await craft({});
    const r = await runCli(['oidc', 'check-token', token, '--authentication-config', ok, '--jwks', jwksFile, '--format', 'json']);
    expect(r.stderr).toBe('');
    const v = JSON.parse(r.stdout) as TokenVerdict;
    expect(v.verdict).toBe('valid');
    expect(v.user).toMatchObject({ username: 'oidc:carol@example.test', uid: 'carol', groups: ['oidc:devs', 'system:authenticated'], extra: { 'example.test/team': ['none'] } });
    expect(r.code).toBe(0);

    const rule = cfg(`  claimValidationRules:
  - expression: "claims.exp - claims.iat <= 300"
    message: token lifetime too long`);
    const long = await runCli(['oidc', 'check-token', token, '--authentication-config', rule, '--jwks', jwksFile]);
    expect(long.code).toBe(1);
    expect(long.stdout).toContain('claims.exp - claims.iat <= 300');

    const unknown = cfg(`  claimValidationRules:
  - expression: "claims.email.matches('^[a-z]+@example[.]test$')"
    message: regex`);
    const u = await runCli(['oidc', 'check-token', token, '--authentication-config', unknown, '--jwks', jwksFile]);
    expect(u.code).toBe(1);
    expect(u.stdout).toMatch(/UNKNOWN[\s\S]*cannot evaluate/);
  });

  it('bad input exits 2 with one line', async () => {
    const none = await runCli(['oidc', 'check-token', 'x.y.z']);
    expect(none.code).toBe(2);
    const missing = await runCli(['oidc', 'check-token', 'a.b.c', '--authentication-config', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
  });
});

/** a different RSA key under the same kid: the signature cannot verify with the issuer's key */
function otherKey(): Record<string, unknown> {
  return { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) };
}
