/** `etcd check` and the client wrapper against real etcd members (Debian etcd-server). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEtcd, EtcdUnreachableError } from '../../src/etcd/check.js';
import { openEtcd, prefixEnd, rangePages } from '../../src/etcd/client.js';
import { probeContext } from '../../src/probes/context.js';
import { freePort, startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { runCli } from '../helpers/cli.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';

const dir = pkiDir();
let secure: EtcdServer;
let open: EtcdServer;
let plain: EtcdServer;

beforeAll(async () => {
  [secure, open, plain] = await Promise.all([
    startEtcd({ mode: 'secure', dir, name: 'secure' }),
    startEtcd({ mode: 'tls-open', dir, name: 'open' }),
    startEtcd({ mode: 'plaintext', dir, name: 'plain' }),
  ]);
});
afterAll(async () => {
  await Promise.all([secure, open, plain].filter(Boolean).map((s) => s.stop()));
  rmPki(dir);
});

const tlsArgs = (s: EtcdServer) => ['--cacert', s.ca!.cert, ...(s.client ? ['--cert', s.client.cert, '--key', s.client.key] : [])];

describe('openEtcd / rangePages', () => {
  it('pages through a prefix at one revision, keys only or with values', async () => {
    const client = openEtcd({ endpoints: [secure.clientUrl], cacert: secure.ca!.cert, cert: secure.client!.cert, key: secure.client!.key });
    try {
      for (let i = 0; i < 25; i++) await client.put(`/registry/secrets/ns/s${String(i).padStart(2, '0')}`).value(`v${i}`);
      await client.put('/registry/secretsX').value('outside the prefix');
      const pages: number[] = [];
      const keys: string[] = [];
      for await (const p of rangePages(client, '/registry/secrets/', { pageSize: 10, keysOnly: true })) {
        pages.push(p.kvs.length);
        keys.push(...p.kvs.map((kv) => kv.key.toString()));
        expect(p.kvs.every((kv) => kv.value.length === 0)).toBe(true);
      }
      expect(pages).toEqual([10, 10, 5]);
      expect(keys[0]).toBe('/registry/secrets/ns/s00');
      expect(keys).toHaveLength(25);
      const values: string[] = [];
      for await (const p of rangePages(client, '/registry/secrets/ns/s24')) values.push(...p.kvs.map((kv) => kv.value.toString()));
      expect(values).toEqual(['v24']);
    } finally {
      client.close();
    }
  });

  it('prefixEnd is etcd clientv3 GetPrefixRangeEnd', () => {
    expect(prefixEnd(Buffer.from('/a/')).toString()).toBe('/a0');
    expect([...prefixEnd(Buffer.from([0x61, 0xff]))]).toEqual([0x62]);
    expect([...prefixEnd(Buffer.from([0xff]))]).toEqual([0]);
  });

  it('says what is missing instead of failing later', () => {
    expect(() => openEtcd({ endpoints: [secure.clientUrl] })).toThrow(/need --cacert/);
    expect(() => openEtcd({ endpoints: [secure.clientUrl], cacert: '/nonexistent/ca.crt' })).toThrow('--cacert /nonexistent/ca.crt: ENOENT');
  });
});

describe('checkEtcd', () => {
  it('secure member: version, https URLs, no findings', async () => {
    const ctx = await probeContext({ timeoutMs: 2000 });
    const r = await checkEtcd({ endpoints: [secure.clientUrl], cacert: secure.ca!.cert, cert: secure.client!.cert, key: secure.client!.key }, ctx);
    expect(r.members).toHaveLength(1);
    expect(r.members[0]).toMatchObject({ name: 'secure', isLeader: true, clientURLs: [secure.clientUrl] });
    expect(r.members[0]!.version).toMatch(/^3\./);
    expect(r.alarms).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.probes.find((p) => p.evidence.kind === 'etcd-no-client-cert')?.verdict).toBe('secure');
  });

  it('plaintext member: http URLs and the plaintext probe are findings', async () => {
    const ctx = await probeContext({ timeoutMs: 2000 });
    const r = await checkEtcd({ endpoints: [plain.clientUrl] }, ctx);
    expect(r.findings.map((f) => f.id).sort()).toEqual(['etcd/member-http-client-url', 'etcd/member-http-peer-url', 'probe/etcd-peer-plaintext', 'probe/etcd-plaintext']);
    const url = r.findings.find((f) => f.id === 'etcd/member-http-client-url')!;
    expect(url.evidence).toMatchObject({ source: 'etcd', value: plain.clientUrl, field: 'clientURLs' });
  });

  it('nothing answering is EtcdUnreachableError naming the endpoint', async () => {
    const ctx = await probeContext({ timeoutMs: 1000 });
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(checkEtcd({ endpoints: [url] }, ctx)).rejects.toThrow(EtcdUnreachableError);
    await expect(checkEtcd({ endpoints: [url] }, ctx)).rejects.toThrow(url);
  });
});

describe('kubeward etcd check (CLI)', () => {
  it('exit 0 on a secure etcd, 1 on one that lets anyone in, 2 when unreachable', async () => {
    const ok = await runCli(['etcd', 'check', '--endpoints', secure.clientUrl, ...tlsArgs(secure)]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/secure .*3\.4/);
    expect(ok.stdout).toContain('etcd-cluster-ca');
    const bad = await runCli(['etcd', 'check', '--endpoints', open.clientUrl, '--cacert', open.ca!.cert, '--format', 'json']);
    expect(bad.code).toBe(1);
    const json = JSON.parse(bad.stdout) as { findings: { id: string; evidence: { probe: { kind: string } | null } }[]; etcd: { members: unknown[] }; probes: unknown[] };
    expect(json.findings.map((f) => f.id)).toContain('probe/etcd-no-client-cert');
    expect(json.findings.find((f) => f.id === 'probe/etcd-no-client-cert')!.evidence.probe!.kind).toBe('etcd-no-client-cert');
    expect(json.etcd.members).toHaveLength(1);
    const port = await freePort();
    const down = await runCli(['etcd', 'check', '--endpoints', `http://127.0.0.1:${port}`, '--timeout', '1000']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain(`http://127.0.0.1:${port}`);
  });
});
