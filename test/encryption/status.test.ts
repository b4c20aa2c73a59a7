/**
 * `encryption status` against a real etcd (secure: mTLS with a test PKI), values written straight
 * into etcd with the apiserver's byte layouts, and the CLI end to end (keygen, bad input).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncryptionConfig } from '../../src/encryption/config.js';
import { encryptValue } from '../../src/encryption/decrypt.js';
import { countOn, encryptionStatus } from '../../src/encryption/status.js';
import { openEtcd } from '../../src/etcd/client.js';
import { runCli } from '../helpers/cli.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { createCa, pkiDir, rmPki } from '../helpers/openssl-pki.js';

const PLAIN = Buffer.concat([Buffer.from('k8s\0'), randomBytes(64)]);
const key1 = randomBytes(32);
const key2 = randomBytes(32);
const sbKey = randomBytes(32);

const CONFIG = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - aescbc:
      keys:
      - name: key2
        secret: ${key2.toString('base64')}
      - name: key1
        secret: ${key1.toString('base64')}
  - secretbox:
      keys:
      - name: sb
        secret: ${sbKey.toString('base64')}
  - identity: {}
`;

describe('encryption status (real etcd)', () => {
  const dir = pkiDir('kubeward-enc-');
  let etcd: EtcdServer;
  let conn: { endpoints: string[]; cacert: string; cert: string; key: string };
  const configFile = join(dir, 'enc.yaml');

  beforeAll(async () => {
    etcd = await startEtcd({ mode: 'secure', dir });
    conn = { endpoints: [etcd.clientUrl], cacert: etcd.ca!.cert, cert: etcd.client!.cert, key: etcd.client!.key };
    writeFileSync(configFile, CONFIG, { mode: 0o600 });
    const client = openEtcd(conn);
    const put = (k: string, v: Buffer): Promise<unknown> => client.put(k).value(v).exec();
    for (let i = 0; i < 7; i++) await put(`/registry/secrets/ns/on-key1-${i}`, encryptValue('aescbc', 'key1', key1, PLAIN, `/registry/secrets/ns/on-key1-${i}`));
    for (let i = 0; i < 5; i++) await put(`/registry/secrets/ns/on-key2-${i}`, encryptValue('aescbc', 'key2', key2, PLAIN, `/registry/secrets/ns/on-key2-${i}`));
    await put('/registry/secrets/ns/sb', encryptValue('secretbox', 'sb', sbKey, PLAIN, '/registry/secrets/ns/sb'));
    await put('/registry/secrets/kube-system/plain', PLAIN);
    await put('/registry/secrets/ns/lost', encryptValue('aesgcm', 'gone', randomBytes(32), PLAIN, '/registry/secrets/ns/lost'));
    // right name, wrong bytes: a key that was replaced under the same name
    await put('/registry/secrets/ns/forged', encryptValue('aescbc', 'key1', randomBytes(32), PLAIN, '/registry/secrets/ns/forged'));
    await put('/registry/configmaps/ns/cm', PLAIN);
    await put('/registry/secretsx/not-a-secret', PLAIN);
    client.close();
  }, 60_000);

  afterAll(async () => {
    await etcd?.stop();
    rmPki(dir);
  });

  it('counts per provider and key, pages through, lists plaintext by key only', async () => {
    const s = await encryptionStatus({ conn, resources: ['secrets', 'configmaps'], pageSize: 3 });
    const secrets = s.resources[0]!;
    expect(secrets.total).toBe(16);
    expect(secrets.formats).toEqual(
      expect.arrayContaining([
        { provider: 'aescbc', key: 'key1', count: 8 },
        { provider: 'aescbc', key: 'key2', count: 5 },
        { provider: 'secretbox', key: 'sb', count: 1 },
        { provider: 'aesgcm', key: 'gone', count: 1 },
        { provider: 'identity', count: 1 },
      ]),
    );
    expect(secrets.plaintext).toEqual({ count: 1, keys: ['/registry/secrets/kube-system/plain'] });
    expect(s.resources[1]).toMatchObject({ resource: 'configmaps', total: 1, plaintext: { count: 1 } });
    expect(countOn(s, 'aescbc', 'key1')).toBe(8);
  });

  it('with the config: unreadable, stale and decryption failures', async () => {
    const s = await encryptionStatus({ conn, resources: ['secrets'], config: parseEncryptionConfig(configFile, CONFIG) });
    const r = s.resources[0]!;
    expect(r.unreadable).toEqual({ count: 1, keys: ['/registry/secrets/ns/lost'] });
    // key1 (8), secretbox (1), identity (1) are readable but not the first key
    expect(r.stale).toBe(10);
    expect(r.verified).toEqual({ ok: 13, failed: { count: 1, keys: ['/registry/secrets/ns/forged'] } });
    expect(r.formats.find((f) => f.key === 'key2')).toMatchObject({ current: true, readable: true });
  });

  it('CLI: text and JSON output, never a value; exit 1 when something is not right', async () => {
    const base = ['encryption', 'status', '--etcd-endpoints', etcd.clientUrl, '--etcd-cacert', conn.cacert, '--etcd-cert', conn.cert, '--etcd-key', conn.key];
    const text = await runCli([...base, '--encryption-config', configFile]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/aescbc:key2 +\[current\]/);
    expect(text.stdout).toMatch(/NOT READABLE/);
    expect(text.stdout).toContain('/registry/secrets/ns/forged');
    expect(text.stdout).not.toContain(key1.toString('base64'));
    const json = await runCli([...base, '--format', 'json', '--list-limit', '0']);
    const parsed = JSON.parse(json.stdout) as { resources: { plaintext: { count: number; keys: string[] } }[] };
    expect(parsed.resources[0]!.plaintext).toEqual({ count: 1, keys: [] });
  }, 60_000);

  it('CLI: unreachable etcd and a wrong CA exit 2 naming the endpoint', async () => {
    const wrongCa = createCa(dir, 'other-ca');
    const bad = await runCli(['encryption', 'status', '--etcd-endpoints', etcd.clientUrl, '--etcd-cacert', wrongCa.cert, '--etcd-cert', conn.cert, '--etcd-key', conn.key]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(etcd.clientUrl);
    const down = await runCli(['encryption', 'status', '--etcd-endpoints', 'http://127.0.0.1:9']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('http://127.0.0.1:9');
    const noFile = await runCli(['encryption', 'status', '--etcd-endpoints', etcd.clientUrl, '--etcd-cacert', join(dir, 'missing.crt')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('missing.crt');
  }, 60_000);
});

describe('encryption keygen (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeward-keygen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a 32-byte key snippet with mode 0600 and prints nothing secret', async () => {
    const out = join(dir, 'key.yaml');
    const r = await runCli(['encryption', 'keygen', '--provider', 'secretbox', '--name', 'key2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    const secret = /secret: (\S+)/.exec(text)?.[1] ?? '';
    expect(Buffer.from(secret, 'base64')).toHaveLength(32);
    expect(r.stderr).not.toContain(secret);
    expect(text).toMatch(/^- secretbox:\n {4}keys:\n {6}- name: key2\n/);
  });

  it('refuses to print a key unless asked, and bad names', async () => {
    expect((await runCli(['encryption', 'keygen'])).code).toBe(2);
    expect((await runCli(['encryption', 'keygen', '--stdout', '--name', 'a:b'])).code).toBe(2);
    const r = await runCli(['encryption', 'keygen', '--stdout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- aescbc:/);
  });
});
