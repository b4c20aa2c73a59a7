/**
 * `kubeward encryption status` over 100,000 Secrets in a real etcd (Debian etcd-server, mutual TLS),
 * the values written straight into etcd with the apiserver's byte layouts (90% aescbc on the current
 * key, 9% on the previous key, 1% plaintext), then the whole CLI process timed with the config given
 * (every encrypted value decrypted to verify). Target: wall ≤ 10 s; peak RSS printed (it must not
 * grow with the number of objects: pages of 1,000 values, counters and capped key lists only).
 * Runs bin/kubeward.js (the compiled CLI, as `npm run bench` builds it), or the sources through tsx
 * when dist/ is absent.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { encryptValue } from '../src/encryption/decrypt.js';
import { openEtcd } from '../src/etcd/client.js';
import { startEtcd } from '../test/helpers/etcd.js';
import { pkiDir, rmPki } from '../test/helpers/openssl-pki.js';
import { REPO } from '../test/helpers/cli.js';

const COUNT = Number(process.env.SECRETS ?? 100_000);
const TARGET_MS = 10_000;

const dir = pkiDir('kubeward-enc-bench-');
const etcd = await startEtcd({ mode: 'secure', dir });
const conn = { endpoints: [etcd.clientUrl], cacert: etcd.ca!.cert, cert: etcd.client!.cert, key: etcd.client!.key };
const key1 = randomBytes(32);
const key2 = randomBytes(32);
const configFile = join(dir, 'enc.yaml');
writeFileSync(
  configFile,
  `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: key2\n        secret: ${key2.toString('base64')}\n      - name: key1\n        secret: ${key1.toString('base64')}\n  - identity: {}\n`,
  { mode: 0o600 },
);

// a Secret of typical size: protobuf envelope + ~250 bytes
const plain = Buffer.concat([Buffer.from('k8s\0'), randomBytes(250)]);
const client = openEtcd({ ...conn, timeoutMs: 60_000 });
const loadStart = performance.now();
// 128 puts per transaction (etcd's default --max-txn-ops), 4 transactions in flight
const perTxn = 128;
const valueOf = (n: number, key: string): Buffer => (n % 100 === 0 ? plain : n % 10 === 1 ? encryptValue('aescbc', 'key1', key1, plain, key) : encryptValue('aescbc', 'key2', key2, plain, key));
const txn = (from: number): Promise<unknown> =>
  client.kv.txn({
    success: Array.from({ length: Math.min(perTxn, COUNT - from) }, (_, j) => {
      const key = `/registry/secrets/ns-${(from + j) % 200}/secret-${from + j}`;
      return { request_put: { key: Buffer.from(key), value: valueOf(from + j, key) } };
    }),
  });
for (let i = 0; i < COUNT; i += perTxn * 4) await Promise.all([0, 1, 2, 3].map((k) => i + k * perTxn).filter((n) => n < COUNT).map(txn));
client.close();
console.log(`loaded ${COUNT} Secrets into etcd in ${((performance.now() - loadStart) / 1000).toFixed(1)} s (not timed)`);

const dist = existsSync(join(REPO, 'dist/src/cli/entry.js'));
const cli = dist ? [join(REPO, 'bin/kubeward.js')] : ['--import', 'tsx', join(REPO, 'src/cli/entry.ts')];
const args = ['encryption', 'status', '--etcd-endpoints', etcd.clientUrl, '--etcd-cacert', conn.cacert, '--etcd-cert', conn.cert, '--etcd-key', conn.key, '--encryption-config', configFile, '--format', 'json', '--list-limit', '10'];
const started = performance.now();
// GNU time reports the child's peak RSS
const r = spawnSync('/usr/bin/time', ['-f', '%M %e %U %S', process.execPath, ...cli, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
const wall = performance.now() - started;
const [rssKb = '0', , user = '0', sys = '0'] = (r.stderr.trim().split('\n').pop() ?? '').split(' ');
const out = JSON.parse(r.stdout) as { resources: { total: number; stale: number; verified: { ok: number } }[] };
const res = out.resources[0]!;
console.log(`status of ${res.total} Secrets (${dist ? 'bin/kubeward.js' : 'tsx sources'}), decrypting ${res.verified.ok}, ${res.stale} stale: ${wall.toFixed(0)} ms wall, CPU ${((Number(user) + Number(sys)) * 1000).toFixed(0)} ms, peak RSS ${(Number(rssKb) / 1024).toFixed(0)} MiB; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`);
console.log(`target ≤ ${TARGET_MS} ms; ratio wall/target ${(wall / TARGET_MS).toFixed(2)}; baseline (etcdctl get --prefix of the same keys would hold every value at once): peak RSS bounded by pages of 1,000`);
await etcd.stop();
rmPki(dir);
const ok = r.status === 1 && res.total === COUNT && wall <= TARGET_MS;
if (!ok) console.log(`FAILED: exit ${r.status} (expected 1: stale and plaintext values), ${res.total} of ${COUNT} seen, or over target`);
process.exit(ok ? 0 : 1);
