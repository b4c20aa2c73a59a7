/**
 * The rotation's config edits and refusals, on files and a real etcd (no API server needed for
 * these stages; the full flow runs against kube-apiserver in test/e2e/encryption.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEncryptionConfig } from '../../src/encryption/config.js';
import { editConfig } from '../../src/encryption/config-edit.js';
import { encryptValue } from '../../src/encryption/decrypt.js';
import { applyRotation, planRotation, readState } from '../../src/encryption/rotate.js';
import { openEtcd } from '../../src/etcd/client.js';
import { runCli } from '../helpers/cli.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';

const K1 = randomBytes(32).toString('base64');
const config = (providers: string): string => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  # events stay plain on purpose
  - resources: [events]
    providers: [{identity: {}}]
  - resources: [secrets]
    providers:
${providers}`;
const AESCBC = `      - aescbc:
          keys:
            - name: key1
              secret: ${K1}
      - identity: {}
`;

describe('config edits', () => {
  it('same provider: add second, promote, remove; comments and other entries kept; idempotent', () => {
    const text = config(AESCBC);
    const from = { provider: 'aescbc', key: 'key1' };
    const to = { provider: 'aescbc', key: 'key2' };
    const added = editConfig('c.yaml', text, [1], 'add', from, to, 'TkVXS0VZ');
    expect(editConfig('c.yaml', added, [1], 'add', from, to, 'other')).toBe(added);
    const names = (t: string): string[] => parse(t).providers[1]![0]!.keys.map((k) => k.name);
    expect(names(added)).toEqual(['key1', 'key2']);
    expect(added).toContain('# events stay plain on purpose');
    const promoted = editConfig('c.yaml', added, [1], 'promote', from, to);
    expect(names(promoted)).toEqual(['key2', 'key1']);
    const removed = editConfig('c.yaml', promoted, [1], 'remove', from, to);
    expect(names(removed)).toEqual(['key2']);
    expect(parse(removed).providers[0]!.map((p) => p.type)).toEqual(['identity']);
  });

  it('provider change (identity → aescbc): new provider second, then first, then identity removed', () => {
    const text = config('      - identity: {}\n');
    const from = { provider: 'identity' };
    const to = { provider: 'aescbc', key: 'k' };
    const types = (t: string): string[] => parse(t).providers[1]!.map((p) => p.type);
    const added = editConfig('c.yaml', text, [1], 'add', from, to, K1);
    expect(types(added)).toEqual(['identity', 'aescbc']);
    const promoted = editConfig('c.yaml', added, [1], 'promote', from, to);
    expect(types(promoted)).toEqual(['aescbc', 'identity']);
    expect(types(editConfig('c.yaml', promoted, [1], 'remove', from, to))).toEqual(['aescbc']);
  });
});

function parse(text: string): ReturnType<typeof readEncryptionConfig> {
  const d = mkdtempSync(join(tmpdir(), 'kubeward-cfg-'));
  writeFileSync(join(d, 'c.yaml'), text);
  try {
    return readEncryptionConfig(join(d, 'c.yaml'));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

describe('rotation stages and refusals', () => {
  const dir = pkiDir('kubeward-rot-');
  let etcd: EtcdServer;
  let conn: { endpoints: string[]; cacert: string; cert: string; key: string };

  beforeAll(async () => {
    etcd = await startEtcd({ mode: 'secure', dir });
    conn = { endpoints: [etcd.clientUrl], cacert: etcd.ca!.cert, cert: etcd.client!.cert, key: etcd.client!.key };
  }, 60_000);
  afterAll(async () => {
    await etcd?.stop();
    rmPki(dir);
  });

  const twoServers = (name: string): string[] => {
    const files = [join(dir, `${name}-a.yaml`), join(dir, `${name}-b.yaml`)];
    for (const f of files) writeFileSync(f, config(AESCBC), { mode: 0o600 });
    return files;
  };

  it('refuses to start when the API servers disagree, and on kms', () => {
    const [a, b] = twoServers('disagree');
    writeFileSync(b!, config(AESCBC.replace(K1, randomBytes(32).toString('base64'))));
    expect(() => planRotation({ configs: [a!, b!], resources: ['secrets'] })).toThrow(/same configuration/);
    writeFileSync(b!, config('      - kms:\n          name: vault\n          endpoint: unix:///kms.sock\n'));
    expect(() => planRotation({ configs: [b!], resources: ['secrets'] })).toThrow(/KMS plugin/);
  });

  it('without a restart hook, stops after adding the key on every config (0600 state and backups), same key everywhere', async () => {
    const configs = twoServers('add');
    const stateFile = join(dir, 'add-state.json');
    const s = await applyRotation({ configs, resources: ['secrets'], stateFile, newKeyName: 'key2' });
    expect(s).toMatchObject({ stage: 'promote', restartPending: true });
    const [a, b] = configs.map(readEncryptionConfig);
    expect(a!.providers[1]![0]!.keys.map((k) => k.name)).toEqual(['key1', 'key2']);
    expect(a!.facts.resources[1]!.providers[0]!.keys[1]!.fingerprint).toBe(b!.facts.resources[1]!.providers[0]!.keys[1]!.fingerprint);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(stateFile, 'utf8')).not.toContain(a!.providers[1]![0]!.keys[1]!.secret.toString('base64'));
    const backups = readdirSync(join(dir, 'kubeward-backups'));
    expect(backups.length).toBe(2);
    for (const f of backups) expect(statSync(join(dir, 'kubeward-backups', f)).mode & 0o777).toBe(0o600);
  });

  it('refuses to promote while one config lacks the new key', async () => {
    const configs = twoServers('promote');
    const stateFile = join(dir, 'promote-state.json');
    await applyRotation({ configs, resources: ['secrets'], stateFile, newKeyName: 'key2', restart: async () => {} , until: 'promote' });
    // an operator restores one server's old config meanwhile
    writeFileSync(configs[1]!, config(AESCBC));
    await expect(applyRotation({ configs, resources: ['secrets'], stateFile, restart: async () => {} })).rejects.toThrow(/refusing to promote.*promote-b\.yaml/);
    expect(readEncryptionConfig(configs[0]!).providers[1]![0]!.keys[0]!.name).toBe('key1');
  });

  it('refuses to remove the old key while etcd still holds objects on it, and sends the rotation back to rewrite', async () => {
    const configs = twoServers('remove');
    const stateFile = join(dir, 'remove-state.json');
    await applyRotation({ configs, resources: ['secrets'], stateFile, newKeyName: 'key2', restart: async () => {}, until: 'rewrite' });
    const state = readState(stateFile)!;
    writeFileSync(stateFile, JSON.stringify({ ...state, stage: 'verify' }));
    const client = openEtcd(conn);
    await client.put('/registry/secrets/ns/old').value(encryptValue('aescbc', 'key1', Buffer.from(K1, 'base64'), Buffer.from('k8s\0x'), '/registry/secrets/ns/old')).exec();
    client.close();
    await expect(applyRotation({ configs, resources: ['secrets'], stateFile, restart: async () => {}, etcd: { conn } })).rejects.toThrow(/refusing to remove aescbc key "key1": etcd still holds 1 object/);
    expect(readState(stateFile)).toMatchObject({ stage: 'rewrite', leftOnOld: 1 });
    expect(readEncryptionConfig(configs[0]!).providers[1]![0]!.keys.map((k) => k.name)).toEqual(['key2', 'key1']);
    // without etcd access the removal is refused too
    writeFileSync(stateFile, JSON.stringify({ ...state, stage: 'verify' }));
    await expect(applyRotation({ configs, resources: ['secrets'], stateFile, restart: async () => {} })).rejects.toThrow(/verify needs --etcd-endpoints/);
  });

  it('CLI: plan prints the stages; --restart-cmd runs once per config; status reports the stage', async () => {
    const configs = twoServers('cli');
    const stateFile = join(dir, 'cli-state.json');
    const args = configs.flatMap((c) => ['--config', c]);
    const plan = await runCli(['encryption', 'rotate', 'plan', ...args, '--state', stateFile, '--new-key-name', 'k2']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/aescbc:key1 → aescbc:k2\n1\. add: .*\n2\. promote: .*\n3\. rewrite: .*\n4\. verify: .*\n5\. remove: /);
    const marks = join(dir, 'restarts.log');
    const apply = await runCli(['encryption', 'rotate', 'apply', ...args, '--state', stateFile, '--new-key-name', 'k2', '--restart-cmd', `echo "$KUBEWARD_APISERVER_INDEX $KUBEWARD_ENCRYPTION_CONFIG" >> ${marks}`]);
    // the restart hook runs, then /readyz through the default kubeconfig fails: exit 2 naming the cause
    expect(readFileSync(marks, 'utf8')).toBe(`0 ${configs[0]}\n1 ${configs[1]}\n`);
    expect(apply.code).toBe(2);
    const status = await runCli(['encryption', 'rotate', 'status', '--state', stateFile]);
    expect(status.stdout).toMatch(/stage: promote \(waiting for the API servers to restart\)/);
    expect(status.code).toBe(1);
  }, 60_000);
});
