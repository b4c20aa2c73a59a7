import { afterAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';

describe('etcd helper', () => {
  const dir = pkiDir();
  const servers: EtcdServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmPki(dir);
  });
  it('starts secure and plaintext members', async () => {
    servers.push(await startEtcd({ mode: 'secure', dir }), await startEtcd({ mode: 'plaintext', dir }));
    expect(servers[0]!.clientUrl).toMatch(/^https:/);
    const r = await fetch(`${servers[1]!.clientUrl}/version`);
    expect(await r.json()).toHaveProperty('etcdserver');
  });
});
