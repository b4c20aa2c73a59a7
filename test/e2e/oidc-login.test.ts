/**
 * End to end: real kubectl (/usr/bin/kubectl) runs `kubeward oidc login` as its exec credential
 * plugin against a real kube-apiserver started with --oidc-* flags that trusts a real oidc-provider.
 * Logins are completed by the provider's headless browser driver; kubectl gets a terminal from
 * `script` so it runs the plugin interactively, as it does for a person.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { startCluster, type Cluster } from './harness.js';
import { apiserverJwtAuthenticators } from '../../src/oidc/apiserver-auth.js';
import { validateToken } from '../../src/oidc/validate.js';

const KUBECTL = '/usr/bin/kubectl';
/** short enough that a test can outwait it, long enough for a kubectl call (see EXPIRY_SKEW_SECONDS) */
const ID_TOKEN_TTL = 20;

let op: TestProvider;
let cluster: Cluster;
let dir: string;

interface Run {
  code: number;
  out: string;
}

/** Spawns a command, calling `onOutput` with everything printed so far, until it exits. */
function runWatching(cmd: string, args: string[], onOutput: (all: string) => void, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const take = (d: Buffer): void => {
      out += d.toString();
      onOutput(out);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

function pluginArgs(cacheDir: string, extra: string[] = []): string[] {
  return ['--import', 'tsx', join(REPO, 'src/cli/entry.ts'), 'oidc', 'login', '--issuer', op.issuer, '--client-id', op.clientId, '--scope', 'email', '--scope', 'groups', '--ca-file', op.caFile, '--no-browser', '--token-cache-dir', cacheDir, ...extra];
}

function kubeconfigFor(name: string, cacheDir: string, extra: string[] = []): string {
  const file = join(dir, `${name}.kubeconfig`);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: cluster.apiserverUrl, 'certificate-authority': join(cluster.pkiDir, 'ca.crt') } }],
    users: [{ name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: pluginArgs(cacheDir, extra), interactiveMode: 'IfAvailable', env: [{ name: 'NO_COLOR', value: '1' }] } } }],
    contexts: [{ name, context: { cluster: 'e2e', user: name } }],
    'current-context': name,
  };
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}

/** Logs in when the plugin prints an authorization URL; returns how many it saw. */
function loginWhenAsked(user: string): { onOutput: (all: string) => void; seen: () => number } {
  const done = new Set<string>();
  return {
    onOutput: (all) => {
      for (const m of all.matchAll(/(https:\/\/127\.0\.0\.1:\d+\/auth\?\S+)/g)) {
        const url = m[1]!.replace(/\r$/, '');
        if (done.has(url)) continue;
        done.add(url);
        void op.browse(url, user);
      }
    },
    seen: () => done.size,
  };
}

/** kubectl with a terminal (util-linux `script`), so client-go runs the plugin interactively. */
function kubectlTty(kubeconfig: string, args: string[], onOutput: (all: string) => void = () => undefined): Promise<Run> {
  const line = [KUBECTL, '--kubeconfig', kubeconfig, ...args].map((a) => `'${a}'`).join(' ');
  return runWatching('script', ['-qfec', line, '/dev/null'], onOutput);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-oidc-e2e-'));
  op = await startOidcProvider({
    idTokenTtl: ID_TOKEN_TTL,
    users: {
      alice: { email: 'alice@example.test', groups: ['viewers'] },
      bob: { email: 'bob@example.test', groups: ['nobody'] },
    },
  });
  cluster = await startCluster({ oidc: { issuerUrl: op.issuer, caFile: op.caFile, clientId: op.clientId, usernameClaim: 'email', usernamePrefix: 'oidc:', groupsClaim: 'groups', groupsPrefix: 'oidc:' } });
  // not the built-in view role: its rules come from aggregation, which needs kube-controller-manager
  await cluster.kubectlRun(['create', 'clusterrole', 'ns-reader', '--verb=get,list', '--resource=namespaces']);
  await cluster.kubectlRun(['create', 'clusterrolebinding', 'oidc-viewers', '--clusterrole=ns-reader', '--group=oidc:viewers']);
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await op?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('kubectl with kubeward oidc login as its exec plugin', () => {
  it('refuses to log in when kubectl runs it non-interactively, with a clear message', async () => {
    const kc = kubeconfigFor('nobody', join(dir, 'cache-none'));
    const r = await runWatching(KUBECTL, ['--kubeconfig', kc, 'get', 'ns'], () => undefined);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('kubectl runs this plugin non-interactively');
  }, 60_000);

  it('two kubectl processes at once share one login; the bound user lists namespaces; the cache is 0600 in 0700', async () => {
    const cache = join(dir, 'cache-alice');
    const kc = kubeconfigFor('alice', cache);
    const before = op.grants.authorization_code ?? 0;
    const browser = loginWhenAsked('alice');
    const [a, b] = await Promise.all([kubectlTty(kc, ['get', 'ns', '-o', 'name'], browser.onOutput), kubectlTty(kc, ['get', 'ns', '-o', 'name'], browser.onOutput)]);
    expect(a.out).toContain('namespace/kube-system');
    expect(b.out).toContain('namespace/kube-system');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(browser.seen()).toBe(1);
    expect((op.grants.authorization_code ?? 0) - before).toBe(1);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    const files = (await import('node:fs')).readdirSync(cache).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    expect(statSync(join(cache, files[0]!)).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('an expiring ID token is refreshed without a login', async () => {
    const kc = kubeconfigFor('alice', join(dir, 'cache-alice'));
    const logins = op.grants.authorization_code ?? 0;
    const refreshes = op.grants.refresh_token ?? 0;
    await new Promise((r) => setTimeout(r, (ID_TOKEN_TTL - 9) * 1000));
    const r = await runWatching(KUBECTL, ['--kubeconfig', kc, 'get', 'ns', '-o', 'name'], () => undefined);
    expect(r.out).toContain('namespace/default');
    expect(op.grants.refresh_token ?? 0).toBe(refreshes + 1);
    expect(op.grants.authorization_code ?? 0).toBe(logins);
  }, 60_000);

  it('device flow: an unbound user logs in and is forbidden', async () => {
    const cache = join(dir, 'cache-bob');
    const confirmed = new Set<string>();
    const login = await runWatching(process.execPath, pluginArgs(cache, ['--grant', 'device-code']), (all) => {
      const url = /open (https:\/\/\S+\/device\S*)/.exec(all)?.[1];
      if (url && !confirmed.has(url)) {
        confirmed.add(url);
        void op.confirmDevice(url, 'bob');
      }
    });
    expect(login.code).toBe(0);
    expect(confirmed.size).toBe(1);
    expect(op.grants['urn:ietf:params:oauth:grant-type:device_code']).toBe(1);
    const cred = JSON.parse(login.out.slice(login.out.indexOf('{'))) as { apiVersion: string; status: { token: string; expirationTimestamp: string } };
    expect(cred.apiVersion).toBe('client.authentication.k8s.io/v1');
    expect(cred.status.expirationTimestamp).toMatch(/Z$/);
    const r = await runWatching(KUBECTL, ['--kubeconfig', kubeconfigFor('bob', cache), 'get', 'ns'], () => undefined);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('User "oidc:bob@example.test" cannot list resource "namespaces"');
    const logoutArgs = ['--import', 'tsx', join(REPO, 'src/cli/entry.ts'), 'oidc', 'logout', '--issuer', op.issuer, '--client-id', op.clientId, '--scope', 'email', '--scope', 'groups', '--token-cache-dir', cache];
    const out = await runWatching(process.execPath, logoutArgs, () => undefined);
    expect(out.out).toContain('logged out');
  }, 120_000);
});

describe('differential: check-token against the API server', () => {
  async function craft(claims: JWTPayload, key?: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: op.issuer, aud: op.clientId, sub: 'carol', iat: now, exp: now + 600, email: 'carol@example.test', email_verified: true, groups: ['viewers'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'rs1' })
      .sign(await importJWK(key ?? op.signingJwk, 'RS256'));
  }

  it('for each crafted token, kubeward authenticates exactly when kube-apiserver does', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const cases: [string, Promise<string>][] = [
      ['valid', craft({})],
      ['valid, unbound group', craft({ groups: ['nobody'] })],
      ['wrong audience', craft({ aud: 'someone-else' })],
      ['audience list with ours', craft({ aud: ['x', op.clientId] })],
      ['expired', craft({ exp: Math.floor(Date.now() / 1000) - 30 })],
      ['unverified email', craft({ email_verified: false })],
      ['no email_verified claim', craft({ email_verified: undefined })],
      ['bad signature', craft({}, other)],
      ['other issuer', craft({ iss: `${op.issuer}/` })],
      ['no email claim', craft({ email: undefined })],
      ['groups as a string', craft({ groups: 'viewers' })],
    ];
    const authenticators = apiserverJwtAuthenticators({ flags: cluster.apiserverFlags.join(' ') });
    const results: string[] = [];
    for (const [name, tokenP] of cases) {
      const token = await tokenP;
      const v = await validateToken(token, authenticators, { jwks: () => op.jwks });
      const r = await runWatching(KUBECTL, ['--server', cluster.apiserverUrl, '--certificate-authority', join(cluster.pkiDir, 'ca.crt'), '--token', token, 'get', 'ns', '-o', 'name'], () => undefined, { KUBECONFIG: '/dev/null' });
      const apiserver = /Unauthorized|provide credentials/.test(r.out) ? 'rejected' : 'authenticated';
      results.push(`${name}: kubeward ${v.verdict === 'valid' ? 'authenticated' : v.verdict} / apiserver ${apiserver}`);
      expect(v.verdict === 'valid' ? 'authenticated' : 'rejected', `${name}: ${v.failures.join('; ')} / ${r.out}`).toBe(apiserver);
    }
    expect(results).toHaveLength(cases.length);
  }, 180_000);
});
