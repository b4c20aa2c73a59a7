/** `oidc setup` against a real oidc-provider: flags, an AuthenticationConfiguration that check-token accepts, RBAC, kubeconfig entry. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';

let op: TestProvider;
let dir: string;

beforeAll(async () => {
  op = await startOidcProvider();
  dir = pkiDir('kubeward-oidc-setup-');
}, 60_000);

afterAll(async () => {
  await op?.stop();
  if (dir) rmPki(dir);
});

describe('oidc setup', () => {
  it('prints prefixed flags, a structured config check-token accepts, a binding, and writes the exec user', async () => {
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, '# mine\napiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers:\n- name: admin\n  user: {token: x}\n', { mode: 0o600 });
    const r = await runCli(['oidc', 'setup', '--issuer', op.issuer, '--client-id', op.clientId, '--ca-file', op.caFile, '--kubernetes-version', '1.31', '--bind-group', 'devs', '--kubeconfig', kubeconfig, '--user', 'oidc']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`--oidc-issuer-url=${op.issuer}`);
    expect(r.stdout).toContain('--oidc-username-prefix=oidc:');
    expect(r.stdout).toContain('--oidc-groups-prefix=oidc:');
    expect(r.stdout).toContain('name: oidc:devs');
    const cfgText = r.stdout.slice(r.stdout.indexOf('apiVersion: apiserver.config.k8s.io/v1beta1'), r.stdout.indexOf('# RBAC binding'));
    const cfgFile = join(dir, 'auth.yaml');
    writeFileSync(cfgFile, cfgText);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: op.issuer, aud: op.clientId, sub: 'carol', exp: now + 600, email: 'carol@example.test', email_verified: true, groups: ['devs', 'system:masters'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'rs1' })
      .sign(await importJWK(op.signingJwk, 'RS256'));
    const check = await runCli(['oidc', 'check-token', token, '--authentication-config', cfgFile, '--ca-file', op.caFile]);
    expect(check.stdout).toContain('username: oidc:carol@example.test');
    expect(check.stdout).toContain('groups:   oidc:devs, oidc:system:masters, system:authenticated');
    expect(check.code).toBe(0);

    const written = readFileSync(kubeconfig, 'utf8');
    expect(written.startsWith('# mine')).toBe(true);
    const doc = parse(written) as { users: { name: string; user: { exec?: { args: string[]; interactiveMode: string } } }[] };
    expect(doc.users.map((u) => u.name)).toEqual(['admin', 'oidc']);
    expect(doc.users[1]!.user.exec).toMatchObject({ interactiveMode: 'IfAvailable' });
    expect(doc.users[1]!.user.exec!.args).toEqual(['oidc', 'login', '--issuer', op.issuer, '--client-id', op.clientId, '--scope', 'email', '--scope', 'groups', '--ca-file', op.caFile]);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('an issuer whose discovery cannot be read is a clear error (exit 2)', async () => {
    const r = await runCli(['oidc', 'setup', '--issuer', op.issuer, '--client-id', op.clientId]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/certificate|fetch failed/);
  }, 60_000);
});
