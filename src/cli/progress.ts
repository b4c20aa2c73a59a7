/**
 * Progress on long work (reading audit logs, scanning etcd, rewriting objects, probing): one line on
 * stderr, redrawn in place, only when stderr is a terminal, so pipes, files and CI logs get nothing.
 * Never on stdout: results stay machine-readable.
 */
export interface Progress {
  /** `done` units of `total` (when known); `note` e.g. the resource being read */
  update(done: number, total?: number, note?: string): void;
  /** clears the line */
  finish(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SILENT: Progress = { update: () => undefined, finish: () => undefined };

/** A progress line labelled `label`; a no-op unless `stream` is a TTY. Redraws at most every 80 ms. */
export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return SILENT;
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
          ? `[${'#'.repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width, '.')}] ${done}/${total}`
          : `${FRAMES[frame++ % FRAMES.length]} ${done}`;
      stream.write(`\r\x1b[2K${label} ${bar}${note ? ` ${note}` : ''}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
