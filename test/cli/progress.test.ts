import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progress } from '../../src/cli/progress.js';

function fakeStream(tty: boolean): NodeJS.WriteStream & { text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string };
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString()));
  Object.assign(s, { isTTY: tty, columns: 100, text: () => out });
  return s;
}

describe('progress', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const s = fakeStream(false);
    const p = progress('reading', s);
    p.update(5, 10);
    p.finish();
    expect(s.text()).toBe('');
  });

  it('draws a bar on a terminal, always the final state, and clears the line at the end', async () => {
    const s = fakeStream(true);
    const p = progress('rewriting secrets', s);
    p.update(1, 4);
    p.update(4, 4, 'done');
    p.finish();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toContain('rewriting secrets [');
    expect(s.text()).toContain('4/4 done');
    expect(s.text().endsWith('\r\x1b[2K')).toBe(true);
  });
});
