/**
 * "Written durably before the 200" on the SQLite store, seen in the system calls: the writer thread
 * commits with synchronous=NORMAL and the store fdatasyncs the WAL off its path (store-sqlite.ts writerClient).
 * The driver writes batches one after the other under strace; every write may resolve only after an
 * fsync/fdatasync of the WAL that began after the last write into the WAL (the batch's COMMIT) ended.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DRIVER = new URL('./store-sqlite-ack.driver.ts', import.meta.url).pathname;
const BATCHES = 6;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-sqlite-ack-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Call {
  name: string;
  args: string;
  result: string;
  /** line indices of the call's start and of its end (the same for a call strace printed whole) */
  start: number;
  end: number;
}

/** strace -f output as calls in the order they began, each with where it ended. */
function calls(trace: string): Call[] {
  const out: Call[] = [];
  const pending = new Map<string, Call>();
  trace.split('\n').forEach((line, i) => {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) return;
    const [, tid = '', rest = ''] = m;
    const resumed = /^<\.\.\. (\w+) resumed>(.*?)\)\s+= (.*)$/.exec(rest);
    if (resumed) {
      const c = pending.get(tid);
      if (c) {
        c.args += resumed[2] ?? '';
        c.result = resumed[3] ?? '';
        c.end = i;
        pending.delete(tid);
      }
      return;
    }
    const unfinished = /^(\w+)\((.*) <unfinished \.\.\.>$/.exec(rest);
    if (unfinished) {
      const c = { name: unfinished[1] ?? '', args: unfinished[2] ?? '', result: '', start: i, end: -1 };
      pending.set(tid, c);
      out.push(c);
      return;
    }
    const whole = /^(\w+)\((.*)\)\s+= (.*)$/.exec(rest);
    if (whole) out.push({ name: whole[1] ?? '', args: whole[2] ?? '', result: whole[3] ?? '', start: i, end: i });
  });
  return out;
}

describe('SQLite store: a write resolves only after the WAL holding it was fsynced', () => {
  it('every answer comes after an fdatasync of the WAL begun after the batch was written into it', () => {
    const db = join(dir, 'ack.db');
    const trace = join(dir, 'trace.txt');
    const run = spawnSync('strace', ['-f', '-o', trace, '-e', 'trace=openat,close,pwrite64,pwritev,write,fsync,fdatasync', process.execPath, '--import', 'tsx', DRIVER, db, dir, String(BATCHES)], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const walFds = new Set<string>();
    let lastWalWrite = -1;
    const syncs: { start: number; end: number }[] = [];
    let answers = 0;
    let writtenSinceAnswer = false;
    // Each call takes effect where strace saw it: an open once it returned its fd (a close of the same
    // number that began before then closed the file that had it before), anything else when it began.
    const text = readFileSync(trace, 'utf8');
    const effect = (c: Call) => (c.name === 'openat' ? c.end : c.start);
    const ordered = calls(text).sort((a, b) => effect(a) - effect(b));
    const around = (from: number, to: number) => text.split('\n').slice(Math.max(0, from - 3), to + 3).map((l) => l.slice(0, 160)).join('\n');
    for (const c of ordered) {
      const fd = /^(\d+)/.exec(c.args)?.[1] ?? '';
      if (c.name === 'openat' && c.args.includes(`${db}-wal"`) && /^\d+/.test(c.result)) walFds.add(c.result.split(' ')[0] ?? '');
      else if (c.name === 'close') walFds.delete(fd);
      else if ((c.name === 'pwrite64' || c.name === 'pwritev') && walFds.has(fd)) {
        lastWalWrite = Math.max(lastWalWrite, c.end);
        writtenSinceAnswer = true;
      } else if ((c.name === 'fsync' || c.name === 'fdatasync') && walFds.has(fd) && c.result.startsWith('0')) syncs.push({ start: c.start, end: c.end });
      else if (c.name === 'openat' && /\/acked-\d+"/.test(c.args)) {
        // the batch was written into the WAL, and a sync of it began after that write and ended before the answer
        expect(writtenSinceAnswer, `answer ${answers}`).toBe(true);
        expect(
          syncs.some((s) => s.start > lastWalWrite && s.end < c.start),
          `answer ${answers}: no fsync of the WAL between its last write (trace line ${lastWalWrite + 1}) and the answer (line ${c.start + 1}):\n${around(lastWalWrite, c.start)}`,
        ).toBe(true);
        answers++;
        writtenSinceAnswer = false;
      }
    }
    expect(answers).toBe(BATCHES);
  });
});
