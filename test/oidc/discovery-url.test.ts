/**
 * AuthenticationConfiguration `issuer.discoveryURL` against a real oidc-provider whose discovery is
 * served at another URL than its issuer's (`${issuer}/.well-known/openid-configuration` is a 404, as
 * for a provider the API server reaches through an in-cluster address): check-token reads the keys the
 * way the API server does, and setup generates a configuration with the field.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';
import { apiserverJwtAuthenticators } from '../../src/oidc/apiserver-auth.js';

let op: TestProvider;
let dir: string;

beforeAll(async () => {
  op = await startOidcProvider({ issuerPath: '/idp' });
  dir = pkiDir('kubeward-oidc-discovery-');
}, 60_000);

afterAll(async () => {
  await op?.stop();
  if (dir) rmPki(dir);
});

async function craft(claims: JWTPayload = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: op.issuer, aud: op.clientId, sub: 'carol', iat: now, exp: now + 600, email: 'carol@example.test', email_verified: true, groups: ['devs'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'rs1' })
    .sign(await importJWK(op.signingJwk, 'RS256'));
}

function config(name: string, url: string, discoveryUrl?: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${url}
${discoveryUrl ? `    discoveryURL: ${discoveryUrl}\n` : ''}    audiences: [kubectl]
  claimMappings:
    username:
      claim: sub
      prefix: "oidc:"
`,
  );
  return file;
}

describe('issuer.discoveryURL', () => {
  it('the issuer URL serves no discovery here; check-token reads the keys through discoveryURL and accepts the token', async () => {
    const token = await craft();
    const ok = await runCli(['oidc', 'check-token', token, '--authentication-config', config('with', op.issuer, op.discoveryUrl), '--ca-file', op.caFile]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('VALID');
    expect(ok.stdout).toContain('username: oidc:carol');
    expect(ok.code).toBe(0);

    const without = await runCli(['oidc', 'check-token', token, '--authentication-config', config('without', op.issuer), '--ca-file', op.caFile]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain(`cannot read the signing keys of ${op.issuer}`);
    expect(without.stderr).toContain('HTTP 404');
    expect(without.stdout + without.stderr).not.toContain(token);
  }, 60_000);

  it('a discovery document naming another issuer is refused, as go-oidc refuses it', async () => {
    const other = `${op.issuer}/other`;
    const r = await runCli(['oidc', 'check-token', await craft({ iss: other }), '--authentication-config', config('mismatch', other, op.discoveryUrl), '--ca-file', op.caFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`names issuer "${op.issuer}"`);
  }, 60_000);

  it('setup --discovery-url prints an AuthenticationConfiguration with discoveryURL (no --oidc-* flags) that check-token accepts', async () => {
    const r = await runCli(['oidc', 'setup', '--issuer', op.issuer, '--client-id', op.clientId, '--ca-file', op.caFile, '--discovery-url', op.discoveryUrl, '--kubernetes-version', '1.31']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('--oidc-issuer-url');
    expect(r.stdout.startsWith('# kube-apiserver: --authentication-config=<file> with\n')).toBe(true);
    expect(r.stdout).toContain(`discoveryURL: ${op.discoveryUrl}`);
    const file = join(dir, 'generated.yaml');
    writeFileSync(file, r.stdout.slice(r.stdout.indexOf('\n') + 1));
    const check = await runCli(['oidc', 'check-token', await craft(), '--authentication-config', file, '--ca-file', op.caFile]);
    expect(check.stdout).toContain('username: oidc:carol@example.test');
    expect(check.code).toBe(0);
    // --test-login judges the generated text the same way, without a file
    const [fromText] = apiserverJwtAuthenticators({ authenticationConfig: 'authentication-config.yaml', authenticationConfigText: r.stdout.slice(r.stdout.indexOf('\n') + 1) });
    expect(fromText).toMatchObject({ source: 'config', issuerUrl: op.issuer, discoveryUrl: op.discoveryUrl, audiences: [op.clientId] });
  }, 60_000);

  it('setup refuses a discovery URL the API server would refuse, or one the flags would have to carry (exit 2)', async () => {
    const base = ['oidc', 'setup', '--issuer', op.issuer, '--client-id', op.clientId, '--ca-file', op.caFile];
    const cases: [string[], string][] = [
      [['--discovery-url', op.discoveryUrl], 'needs an AuthenticationConfiguration'],
      [['--discovery-url', op.discoveryUrl, '--kubernetes-version', '1.29'], 'needs an AuthenticationConfiguration'],
      [['--discovery-url', `${op.issuer}/`, '--kubernetes-version', '1.31'], 'must be different from the issuer URL'],
      [['--discovery-url', op.discoveryUrl.replace('https:', 'http:'), '--kubernetes-version', '1.31'], 'URL scheme must be https'],
      [['--discovery-url', `${op.discoveryUrl}?x=1`, '--kubernetes-version', '1.31'], 'a query'],
    ];
    for (const [extra, why] of cases) {
      const r = await runCli([...base, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr, extra.join(' ')).toContain(why);
    }
  }, 120_000);
});
