/**
 * A real PostgreSQL server (Debian package `postgresql`) for tests and benchmarks: initdb into a temp dir
 * as user postgres, trust auth, listening on a free port of 127.0.0.1 only. `stop`/`start` take it down
 * and bring it back on the same port (outage tests); `remove` stops it and deletes its files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './etcd.js';

export interface PostgresServer {
  url: string;
  start(): void;
  stop(): void;
  remove(): void;
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  const bin = version ? join(root, version, 'bin') : '';
  if (!bin || !existsSync(join(bin, 'pg_ctl'))) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the Debian package `postgresql`');
  return bin;
}

function asPostgres(cmd: string, args: string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), 'kubeward-pg-'));
  chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const port = await freePort();
  const data = join(dir, 'data');
  asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const server: PostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start']),
    stop: () => asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
    remove() {
      if (existsSync(join(data, 'postmaster.pid'))) server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}
