/**
 * The `oidc login` fast path (src/cli/oidc-login-cached.ts, run by bin/kubeward.js before the CLI)
 * against the full command: its parser reads argv exactly as commander does or declines, it prints
 * the same ExecCredential as the full CLI for the same cache, and it declines (so the full CLI runs)
 * whenever the cache cannot answer.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';
import { buildProgram } from '../../src/cli/main.js';
import { cachedLogin, parseLoginArgs } from '../../src/cli/oidc-login-cached.js';
import type { OptionValues } from '../../src/cli/oidc-options.js';
import { EXPIRY_SKEW_SECONDS } from '../../src/oidc/login.js';
import { cacheFile, writeCache } from '../../src/oidc/token-cache.js';

const ISSUER = 'https://idp.example.test';
const ID = ['--issuer', ISSUER, '--client-id', 'kubectl'];
const V1 = '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}';
const V1BETA1 = '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}';

/** What the registered `oidc login` command's action would receive, or undefined when commander refuses the argv. */
function commanderOpts(args: string[]): OptionValues | undefined {
  const program = buildProgram();
  const login = program.commands.find((c) => c.name() === 'oidc')?.commands.find((c) => c.name() === 'login');
  if (!login) throw new Error('no oidc login command');
  login.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  let got: OptionValues | undefined;
  login.action(() => {
    got = login.opts() as OptionValues;
  });
  try {
    program.parse(['oidc', 'login', ...args], { from: 'user' });
  } catch {
    return undefined;
  }
  return got;
}

let dir: string;
let privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'];

async function idToken(expiresIn: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: 'kubectl', sub: 'carol', email: 'carol@example.test', iat: now, exp: now + expiresIn }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
}

/** A cache directory holding `token` for ISSUER / kubectl / the scopes. */
function cacheWith(name: string, token: string, scopes = ['openid']): { cacheDir: string; file: string } {
  const cacheDir = join(dir, name);
  const file = cacheFile(cacheDir, { issuer: ISSUER, clientId: 'kubectl', scopes });
  writeCache(file, { id_token: token, refresh_token: 'refresh-secret' });
  return { cacheDir, file };
}

/** The fast path in this process, with KUBERNETES_EXEC_INFO set as kubectl would set it. */
function fast(args: string[], execInfo: string | undefined): string | undefined {
  const saved = process.env.KUBERNETES_EXEC_INFO;
  if (execInfo === undefined) delete process.env.KUBERNETES_EXEC_INFO;
  else process.env.KUBERNETES_EXEC_INFO = execInfo;
  try {
    return cachedLogin(args);
  } finally {
    if (saved === undefined) delete process.env.KUBERNETES_EXEC_INFO;
    else process.env.KUBERNETES_EXEC_INFO = saved;
  }
}

beforeAll(() => {
  dir = pkiDir('kubeward-oidc-fast-');
  ({ privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
});

afterAll(() => {
  if (dir) rmPki(dir);
});

describe('oidc login fast path: argv', () => {
  const cases: { args: string[]; answers: boolean }[] = [
    { args: ID, answers: true },
    { args: [`--issuer=${ISSUER}`, '--client-id=kubectl'], answers: true },
    { args: [...ID, '--scope', 'email,groups', '--scope', 'offline_access profile', '--scope', 'openid'], answers: true },
    { args: [...ID, '--scope='], answers: true },
    { args: [...ID, '--token-cache-dir', '/tmp/x', '--ca-file', '/tmp/ca.pem', '--client-secret', 's3cret'], answers: true },
    { args: [...ID, '--grant', 'device-code', '--listen', '127.0.0.1:8000'], answers: true },
    { args: [...ID, '--api-version', 'client.authentication.k8s.io/v1beta1'], answers: true },
    { args: [...ID, '--force-refresh', '--no-browser', '--open-browser'], answers: true },
    { args: [...ID, '--issuer', 'https://other.example.test'], answers: true },
    // commander refuses these; so must the fast path
    { args: [...ID, '--grant', 'password'], answers: false },
    { args: [...ID, '--grant', 'password', '--grant', 'auth-code'], answers: false },
    { args: [...ID, '--api-version', 'v1'], answers: false },
    { args: ['--issuer', ISSUER], answers: false },
    { args: [...ID, '--bogus'], answers: false },
    { args: [...ID, '--bogus=1'], answers: false },
    { args: [...ID, '-h'], answers: false },
    { args: [...ID, '--help'], answers: false },
    { args: [...ID, 'extra'], answers: false },
    { args: [...ID, '--force-refresh=true'], answers: false },
    { args: [...ID, '--issuer'], answers: false },
    // commander accepts these; the fast path leaves them to it
    { args: [...ID, '--'], answers: false },
    { args: [...ID, '--listen', '-1'], answers: false },
  ];

  it('reads argv exactly as the registered commander command does, or declines', () => {
    for (const { args, answers } of cases) {
      const mine = parseLoginArgs(args);
      const theirs = commanderOpts(args);
      expect(mine !== undefined, args.join(' ')).toBe(answers);
      if (mine !== undefined) expect(mine, args.join(' ')).toEqual(theirs);
      if (theirs === undefined) expect(mine, args.join(' ')).toBeUndefined();
    }
  });
});

describe('oidc login fast path: output', () => {
  it('prints the same ExecCredential as the full CLI for the same cache (v1, v1beta1, run by hand)', async () => {
    const token = await idToken(3600);
    const { cacheDir, file } = cacheWith('same', token, ['openid', 'email', 'groups']);
    const before = readFileSync(file, 'utf8');
    const args = [...ID, '--scope', 'email', '--scope', 'groups', '--token-cache-dir', cacheDir];
    for (const [execInfo, extra] of [[V1, []], [V1BETA1, []], [undefined, ['--api-version', 'client.authentication.k8s.io/v1beta1']]] as const) {
      const mine = fast([...args, ...extra], execInfo);
      const full = await runCli(['oidc', 'login', ...args, ...extra], { env: { KUBERNETES_EXEC_INFO: execInfo ?? '' } });
      expect(full.stderr).toBe('');
      expect(full.code).toBe(0);
      expect(mine).toBe(full.stdout);
      const cred = JSON.parse(full.stdout) as { apiVersion: string; status: { token: string; expirationTimestamp: string } };
      expect(cred.apiVersion).toBe(execInfo === V1 ? 'client.authentication.k8s.io/v1' : 'client.authentication.k8s.io/v1beta1');
      expect(cred.status.token).toBe(token);
    }
    // read, never rewritten; still 0600
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('declines whenever the cache cannot answer, so the full CLI runs', async () => {
    const fresh = cacheWith('fresh', await idToken(3600));
    const expired = cacheWith('expired', await idToken(-5));
    const expiring = cacheWith('expiring', await idToken(EXPIRY_SKEW_SECONDS - 2));
    const damaged = cacheWith('damaged', 'not-a-jwt');
    expect(fast([...ID, '--token-cache-dir', fresh.cacheDir], V1)).toContain('"ExecCredential"');
    expect(fast([...ID, '--token-cache-dir', fresh.cacheDir, '--force-refresh'], V1)).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', fresh.cacheDir, '--scope', 'email'], V1)).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', fresh.cacheDir, '--bogus'], V1)).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', fresh.cacheDir], '{"apiVersion":"client.authentication.k8s.io/v2"}')).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', expired.cacheDir], V1)).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', expiring.cacheDir], V1)).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', damaged.cacheDir], V1)).toBeUndefined();
    expect(fast([...ID, '--token-cache-dir', join(dir, 'none')], V1)).toBeUndefined();
  });
});

/** The built bin (npm run build) is current for the fast path's sources; otherwise the test below is skipped. */
function builtIsCurrent(): boolean {
  const built = `${REPO}dist/src/cli/oidc-login-cached.js`;
  if (!existsSync(built)) return false;
  const sources = ['src/cli/oidc-login-cached.ts', 'src/cli/oidc-options.ts', 'src/oidc/login.ts', 'src/oidc/token-cache.ts', 'src/oidc/sha256.ts', 'src/oidc/exec-credential.ts', 'src/oidc/jwt.ts'];
  return sources.every((f) => statSync(`${REPO}${f}`).mtimeMs <= statSync(built).mtimeMs);
}

describe.skipIf(!builtIsCurrent())('oidc login through bin/kubeward.js (built)', () => {
  it('answers a cache hit itself and hands an unknown flag to the full CLI', async () => {
    const token = await idToken(3600);
    const { cacheDir } = cacheWith('bin', token);
    const args = ['oidc', 'login', ...ID, '--token-cache-dir', cacheDir];
    const env = { ...process.env, KUBERNETES_EXEC_INFO: V1 };
    const hit = spawnSync(process.execPath, [`${REPO}bin/kubeward.js`, ...args], { env });
    const full = await runCli(args, { env: { KUBERNETES_EXEC_INFO: V1 } });
    expect(hit.status).toBe(0);
    expect(hit.stderr.toString()).toBe('');
    expect(hit.stdout.toString()).toBe(full.stdout);
    const unknown = spawnSync(process.execPath, [`${REPO}bin/kubeward.js`, ...args, '--bogus'], { env });
    expect(unknown.status).toBe(2);
    expect(unknown.stdout.toString()).toBe('');
    expect(unknown.stderr.toString()).toContain("unknown option '--bogus'");
    expect(unknown.stderr.toString()).not.toContain(token);
  }, 60_000);
});
