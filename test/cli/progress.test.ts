import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progress, totalBytes, withProgress } from '../../src/cli/progress.js';

function fakeStream(tty: boolean): NodeJS.WriteStream & { text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string };
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  Object.assign(s, { isTTY: tty, columns: 100, text: () => out });
  return s;
}

const flush = () => new Promise((r) => setImmediate(r));

describe('progress', () => {
  it('draws nothing when the stream is not a terminal; printed lines still go through', async () => {
    const s = fakeStream(false);
    const p = progress('reading', { stream: s });
    p.update(5, 10);
    p.print('kubeward: a warning');
    p.finish();
    await flush();
    expect(s.text()).toBe('kubeward: a warning\n');
  });

  it('draws a bar on a terminal, always the final state, and clears the line at the end', async () => {
    const s = fakeStream(true);
    const p = progress('rewriting secrets', { stream: s });
    p.update(1, 4);
    p.update(4, 4, 'done');
    p.finish();
    await flush();
    expect(s.text()).toContain('rewriting secrets [');
    expect(s.text()).toContain('4/4 done');
    expect(s.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('shows bytes as KiB/MiB, a spinner when the total is unknown, and clears the line before a printed warning', async () => {
    const s = fakeStream(true);
    const p = progress('reading audit logs', { stream: s, unit: 'bytes' });
    p.update(3 * 1024 * 1024, 12 * 1024 * 1024);
    p.print('kubeward: log:7: not JSON (skipped)');
    p.update(512);
    p.finish();
    await flush();
    const text = s.text();
    expect(text).toContain('3.0 MiB/12.0 MiB');
    expect(text).toContain('\r\x1b[2Kkubeward: log:7: not JSON (skipped)\n');
    // drawn again right after the warning, without waiting out the redraw interval
    expect(text).toContain('\r\x1b[2Kreading audit logs ⠋ 512 B');
  });
});

describe('withProgress', () => {
  it('samples the counters while the work runs, draws at the start, clears at the end, returns the result', async () => {
    const s = fakeStream(true);
    let done = 0;
    const result = await withProgress(
      'reading',
      () => ({ done, total: 100 }),
      async () => {
        for (; done < 100; done += 25) await new Promise((r) => setTimeout(r, 60));
        return 'ok';
      },
      { stream: s, ms: 10 },
    );
    await flush();
    expect(result).toBe('ok');
    expect(s.text().startsWith('\r\x1b[2Kreading [')).toBe(true);
    expect(s.text()).toContain('0/100');
    expect(s.text()).toMatch(/(25|50|75)\/100/);
    expect(s.text().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('clears the line when the work fails, and does nothing extra without a terminal', async () => {
    const tty = fakeStream(true);
    await expect(withProgress('reading', () => ({ done: 1 }), () => Promise.reject(new Error('boom')), { stream: tty })).rejects.toThrow('boom');
    await flush();
    expect(tty.text().endsWith('\r\x1b[2K')).toBe(true);
    const pipe = fakeStream(false);
    expect(await withProgress('reading', () => ({ done: 1 }), () => Promise.resolve(7), { stream: pipe })).toBe(7);
    await flush();
    expect(pipe.text()).toBe('');
  });

  it('totalBytes: the sum of the files, unknown for stdin or a missing file', async () => {
    const here = new URL(import.meta.url).pathname;
    const size = (await import('node:fs')).statSync(here).size;
    expect(await totalBytes([here, here])).toBe(2 * size);
    expect(await totalBytes([here, '-'])).toBeUndefined();
    expect(await totalBytes(['/nonexistent/file'])).toBeUndefined();
  });
});
