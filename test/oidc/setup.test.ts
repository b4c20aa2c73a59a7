/** `oidc setup` against a real oidc-provider: flags, an AuthenticationConfiguration that check-token accepts, RBAC, kubeconfig entry. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT } from 'jose';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';

let op: TestProvider;
let dir: string;

beforeAll(async () => {
  op = await startOidcProvider({
    users: { alice: { email: 'alice@example.test', groups: ['devs'] }, bob: { email: 'bob@example.test', emailVerified: false, groups: ['devs'] } },
  });
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

  /** Runs `oidc setup --test-login` and logs in as `user` through the provider's pages when the URL is printed. */
  async function testLogin(user: string, cacheDir: string): Promise<CliRun> {
    const browsed = new Set<string>();
    return runCli(['oidc', 'setup', '--issuer', op.issuer, '--client-id', op.clientId, '--ca-file', op.caFile, '--test-login', '--token-cache-dir', cacheDir], {
      onOutput: (_stdout, stderr) => {
        const url = /(https:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/.exec(stderr)?.[1];
        if (url && !browsed.has(url)) {
          browsed.add(url);
          void op.browse(url, user);
        }
      },
    });
  }

  it('--test-login logs in at the real provider and shows the user the API server would see; the token stays in the 0600 cache', async () => {
    const before = op.grants.authorization_code ?? 0;
    const cacheDir = join(dir, 'test-login-alice');
    const r = await testLogin('alice', cacheDir);
    expect(r.code).toBe(0);
    expect(op.grants.authorization_code).toBe(before + 1);
    expect(r.stdout).toContain('# test login\nthe API server would see user oidc:alice@example.test, groups oidc:devs, system:authenticated');
    const [file] = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
    expect(file).toBeDefined();
    expect(statSync(join(cacheDir, file!)).mode & 0o777).toBe(0o600);
    const { id_token } = JSON.parse(readFileSync(join(cacheDir, file!), 'utf8')) as { id_token: string };
    expect(r.stdout + r.stderr).not.toContain(id_token);
  }, 60_000);

  it('--test-login reports a user the API server would refuse (exit 1)', async () => {
    const r = await testLogin('bob', join(dir, 'test-login-bob'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the API server would refuse this token: username claim is "email" and email_verified is false, not true');
  }, 60_000);
});
