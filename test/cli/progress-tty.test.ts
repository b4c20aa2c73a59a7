/**
 * Progress in the real CLI, on a real terminal: util-linux `script` runs the command on a
 * pseudo-terminal (node-pty is not installed; `script` is the real thing), with one of stdout or
 * stderr redirected to a file inside, so what the terminal shows is the other one. Progress appears
 * on stderr when it is a terminal, never on stdout, and not at all without a terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEtcd } from '../../src/etcd/client.js';
import { REPO, runCli } from '../helpers/cli.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';

const LAB = join(REPO, 'test/fixtures/audit/k8s-1.20-lab');
const CLEAR_LINE = '\r\x1b[2K';
const dir = mkdtempSync(join(tmpdir(), 'kubeward-progress-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI under `script` with `redirect` ('stdout' or 'stderr') going to a file; returns what
 * the terminal showed (the other stream) and the file.
 */
function onTerminal(args: string[], redirect: 'stdout' | 'stderr'): Promise<{ terminal: string; file: string; code: number }> {
  const file = join(dir, `${redirect}-${Math.random().toString(36).slice(2)}.txt`);
  const cli = [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/entry.ts'), ...args].map(quote).join(' ');
  const command = `${cli} ${redirect === 'stdout' ? '>' : '2>'} ${quote(file)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let terminal = '';
    child.stdout.on('data', (d: Buffer) => (terminal += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ terminal, file: existsSync(file) ? readFileSync(file, 'utf8') : '', code: code ?? -1 }));
  });
}

describe('progress on a terminal', () => {
  it('rbac generate: reading the audit log shows a byte count of the file size on stderr; stdout stays YAML', async () => {
    const args = ['rbac', 'generate', '--audit-log', `${LAB}/dev-audit.log`, '--serviceaccount', 'ci:deployer'];
    const size = '4.5 MiB';
    const tty = await onTerminal(args, 'stdout');
    expect(tty.code, tty.terminal).toBe(0);
    expect(tty.terminal).toContain(`${CLEAR_LINE}reading audit logs [`);
    expect(tty.terminal).toContain(`/${size}`);
    expect(tty.file).toContain('kind: Role');
    expect(tty.file).not.toContain('reading audit logs');
    expect(tty.file).not.toContain('\x1b');

    // stdout on the terminal, stderr to a file: no progress on either
    const swapped = await onTerminal(args, 'stderr');
    expect(swapped.code, swapped.file).toBe(0);
    expect(swapped.terminal).toContain('kind: Role');
    expect(swapped.terminal).not.toContain('reading audit logs');
    expect(swapped.file).not.toContain('reading audit logs');
    expect(swapped.file).not.toContain('\x1b');

    // no terminal at all
    const piped = await runCli(args);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain('reading audit logs');
    expect(piped.stderr).not.toContain('\x1b');
  });

  it('audit detect: the same reading progress; none when piped', async () => {
    const args = ['audit', 'detect', `${LAB}/dev-audit.log`, '--format', 'json'];
    const tty = await onTerminal(args, 'stdout');
    expect(tty.terminal).toContain(`${CLEAR_LINE}reading audit logs [`);
    expect(JSON.parse(tty.file)).toHaveProperty('findings');
    const piped = await runCli(args);
    expect(piped.code).toBe(tty.code);
    expect(piped.stderr).not.toContain('reading audit logs');
  });

  describe('encryption status against a real etcd', () => {
    let etcd: EtcdServer;
    beforeAll(async () => {
      etcd = await startEtcd({ mode: 'plaintext', dir });
      const client = openEtcd({ endpoints: [etcd.clientUrl] });
      try {
        for (let i = 0; i < 25; i++) await client.put(`/registry/secrets/ns/s-${i}`).value(Buffer.from('k8s\0plain')).exec();
      } finally {
        client.close();
      }
    });
    afterAll(async () => etcd?.stop());

    it('shows the objects read per resource on stderr; none when piped', async () => {
      const args = ['encryption', 'status', '--etcd-endpoints', etcd.clientUrl, '--list-limit', '1'];
      const tty = await onTerminal(args, 'stdout');
      expect(tty.code, tty.terminal).toBe(1);
      expect(tty.terminal).toContain(`${CLEAR_LINE}reading etcd`);
      expect(tty.terminal).toContain('25 secrets');
      expect(tty.file).not.toContain('reading etcd');
      expect(tty.file).not.toContain('\x1b');
      const piped = await runCli(args);
      expect(piped.code).toBe(1);
      expect(piped.stdout).toBe(tty.file);
      expect(piped.stderr).not.toContain('reading etcd');
    });
  });
});
