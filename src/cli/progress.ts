/**
 * Progress on long work (reading audit logs, scanning etcd, rewriting objects, probing): one line on
 * stderr, redrawn in place, only when stderr is a terminal, so pipes, files and CI logs get nothing.
 * Never on stdout: results stay machine-readable. The one way every command shows progress.
 */
import { stat } from 'node:fs/promises';

export interface Progress {
  /** `done` units of `total` (when known); `note` e.g. the resource being read */
  update(done: number, total?: number, note?: string): void;
  /** clears the line */
  finish(): void;
  /** writes a line of other output (a warning) to the stream, clearing the progress line first; the next update draws it again */
  print(line: string): void;
}

export interface ProgressOptions {
  /** default: process.stderr */
  stream?: NodeJS.WriteStream;
  /** `bytes`: counts shown as KiB/MiB/GiB */
  unit?: 'bytes';
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** A progress line labelled `label`; a no-op unless the stream is a TTY. Redraws at most every 80 ms. */
export function progress(label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!stream.isTTY) return { update: () => undefined, finish: () => undefined, print: (line) => void stream.write(`${line}\n`) };
  const count = opts.unit === 'bytes' ? bytes : String;
  let frame = 0;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note) {
      const now = Date.now();
      if (now - last < 80 && (total === undefined || done < total)) return;
      last = now;
      const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
      const bar =
        total !== undefined && total > 0
          ? `[${'#'.repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width, '.')}] ${count(done)}/${count(total)}`
          : `${FRAMES[frame++ % FRAMES.length]} ${count(done)}`;
      stream.write(`\r\x1b[2K${label} ${bar}${note ? ` ${note}` : ''}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
      last = 0;
    },
    print(line) {
      this.finish();
      stream.write(`${line}\n`);
    },
  };
}

/**
 * Runs `work` with a progress line redrawn every `ms` from `sample()`, for work that keeps its own
 * counters (the audit reader's stats.bytes): nothing is added to its per-event path. The line is
 * drawn once at the start, so even short work shows it, and cleared at the end. `work` writes its
 * warnings through bar.print so they do not run into the line.
 */
export async function withProgress<T>(label: string, sample: () => { done: number; total?: number; note?: string }, work: (bar: Progress) => Promise<T>, opts: ProgressOptions & { ms?: number } = {}): Promise<T> {
  const bar = progress(label, opts);
  if (!(opts.stream ?? process.stderr).isTTY) return work(bar);
  const draw = () => {
    const s = sample();
    bar.update(s.done, s.total, s.note);
  };
  draw();
  const timer = setInterval(draw, opts.ms ?? 100);
  try {
    return await work(bar);
  } finally {
    clearInterval(timer);
    bar.finish();
  }
}

/** The total size of `files` for a bytes bar; undefined when one is stdin ("-") or cannot be stat'ed (the bar then counts up). */
export async function totalBytes(files: readonly string[]): Promise<number | undefined> {
  if (files.includes('-')) return undefined;
  try {
    const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return undefined;
  }
}
