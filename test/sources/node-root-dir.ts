/**
 * Small node roots written into a temp directory for one test: `files` maps node paths to contents;
 * a value of { link } makes a symlink (absolute targets point inside the node root, as on the node).
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Entry = string | Buffer | { link: string } | { mode: number; content: string | Buffer };

export async function nodeRoot(files: Record<string, Entry>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kw-node-'));
  for (const [path, entry] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) await writeFile(full, entry);
    else if ('link' in entry) await symlink(entry.link, full);
    else await writeFile(full, entry.content, { mode: entry.mode });
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A YAML list of strings, one per line, indented for a container's `command:`. */
export function yamlList(items: string[], indent = '    '): string {
  return items.map((i) => `${indent}- ${i}`).join('\n');
}
