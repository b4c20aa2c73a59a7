/**
 * Child processes of the harness: each runs in its own process group (detached), its output goes to
 * a log file, and it is stopped by PID (the group), never by name. Groups still alive when the test
 * process exits are killed from an exit hook, so a crashed suite leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface Proc {
  name: string;
  pid: number;
  log: string;
  /** resolves with the exit code (or signal name) when the process ends */
  exited: Promise<string>;
  alive(): boolean;
}

const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function startProc(name: string, bin: string, args: string[], log: string, env: NodeJS.ProcessEnv = process.env): Proc {
  const fd = openSync(log, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${bin}`);
  const pid = child.pid;
  live.add(pid);
  let running = true;
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      live.delete(pid);
      resolve(signal ?? String(code));
    });
    child.on('error', (e) => {
      running = false;
      live.delete(pid);
      resolve(e.message);
    });
  });
  child.unref();
  return { name, pid, log, exited, alive: () => running };
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProc(p: Proc, graceMs = 10_000): Promise<void> {
  if (!p.alive()) return;
  signalGroup(p.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(p.pid, 'SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is gone already
  }
}

/** The last lines of a log, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch (e) {
    return `(no log: ${(e as Error).message})`;
  }
}

/** Polls `ready` until it returns true; throws with the log tail when the process dies or time runs out. */
export async function waitReady(p: Proc, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!p.alive()) throw new Error(`${p.name} exited before it was ready; last lines of ${p.log}:\n${tail(p.log)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${p.name} not ready after ${timeoutMs / 1000}s; last lines of ${p.log}:\n${tail(p.log)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
