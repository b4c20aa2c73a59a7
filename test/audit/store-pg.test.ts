/**
 * The PostgreSQL store against a real Debian `postgresql` server the test starts: initdb into a temp
 * dir as user postgres, trust auth, a free port on 127.0.0.1; stopped in afterAll.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector, detectEvents } from '../../src/audit/detect.js';
import { readAuditEvents } from '../../src/audit/read.js';
import type { AuditEvent } from '../../src/audit/read-types.js';
import { keyOf, openStore, type AuditStore } from '../../src/audit/store.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/etcd.js';

const LAB = new URL('../fixtures/audit/k8s-1.20-lab/dev-audit.log', import.meta.url).pathname;

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  const bin = version ? join(root, version, 'bin') : '';
  if (!bin || !existsSync(join(bin, 'pg_ctl'))) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the Debian package `postgresql`');
  return bin;
}


let dir: string;
let bin: string;
let url: string;
let events: AuditEvent[];

function asPostgres(cmd: string, args: string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

beforeAll(async () => {
  bin = pgBin();
  dir = mkdtempSync(join(tmpdir(), 'kubeward-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const port = await freePort();
  asPostgres(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asPostgres(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start']);
  url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  events = [];
  for await (const e of readAuditEvents([LAB])) events.push(e);
}, 60_000);

afterAll(() => {
  if (dir && existsSync(join(dir, 'data'))) asPostgres(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL store', () => {
  let store: AuditStore;
  beforeAll(async () => {
    store = await openStore(url);
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes batches in one transaction, dedupes (auditID, stage), stores the alerts of new events only', async () => {
    const detector = createDetector();
    let alerts = 0;
    for (let i = 0; i < events.length; i += 100) alerts += (await store.write(events.slice(i, i + 100), (e) => detector.process(e))).alerts;
    const again = await store.write(events.slice(0, 100), (e) => detector.process(e));
    expect(again).toEqual({ inserted: 0, duplicates: 100, alerts: 0 });
    const keys = await store.keys();
    expect(keys.size).toBe(new Set(events.map((e) => keyOf(e.auditID ?? '', e.stage ?? ''))).size);
    const offline = await detectEvents(events);
    expect(alerts).toBe(offline.alerts.length);
    expect((await store.alerts({})).map((a) => `${a.rule} ${a.auditID}`)).toEqual(offline.alerts.map((a) => `${a.rule} ${a.auditID}`));
  });

  it('query through the CLI: filters and rule', async () => {
    const bob = await runCli(['audit', 'query', '--store', url, '--user', 'oidc:bob@example.test', '--verb', 'list', '--resource', 'secrets', '--format', 'json']);
    expect(bob.code).toBe(0);
    expect((JSON.parse(bob.stdout) as AuditEvent[]).map((e) => e.responseStatus?.code)).toEqual([403]);
    const exec = await runCli(['audit', 'query', '--store', url, '--rule', 'audit/pod-exec', '--format', 'json']);
    expect((JSON.parse(exec.stdout) as AuditEvent[]).every((e) => e.objectRef?.subresource === 'exec')).toBe(true);
  });

  it('a failed write rolls back the whole batch', async () => {
    const before = (await store.keys()).size;
    const fresh = events.slice(0, 3).map((e, i) => ({ ...e, auditID: `rollback-${i}` }));
    await expect(
      store.write(fresh, () => {
        throw new Error('detector failed');
      }),
    ).rejects.toThrow('detector failed');
    expect((await store.keys()).size).toBe(before);
  });

  it('retention by age removes old events', async () => {
    // the lab log is from 2026-11-28 13:07; "now" one day and a bit later with a 1-day limit removes all of it
    const before = (await store.keys()).size;
    expect(await store.prune({ maxAgeDays: 2 }, Date.parse('2026-11-29T14:00:00Z'))).toBe(0);
    expect(await store.prune({ maxAgeDays: 1 }, Date.parse('2026-11-29T14:00:00Z'))).toBe(before);
    expect((await store.keys()).size).toBe(0);
  });
});
