/**
 * Every JSON value in the captured audit logs (test/fixtures/audit, and ../shared/fixtures/audit where
 * present): each line that parses, and each whole file that parses (its elements, or its items when it
 * has them), per file and in file order.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE_DIRS = [`${REPO}test/fixtures/audit`, `${REPO}../shared/fixtures/audit`].filter((d) => existsSync(d));

export function capturedAuditValues(): { file: string; lines: string[]; values: unknown[] }[] {
  const files = FIXTURE_DIRS.flatMap((d) =>
    readdirSync(d, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(log|json)$/.test(f))
      .map((f) => join(d, f))
      .sort(),
  );
  return files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').filter((l) => {
      try {
        JSON.parse(l);
        return true;
      } catch {
        return false;
      }
    });
    const values: unknown[] = lines.map((l) => JSON.parse(l) as unknown);
    try {
      const whole = JSON.parse(text) as unknown;
      const items = whole !== null && typeof whole === 'object' ? (whole as Record<string, unknown>).items : undefined;
      values.push(...((Array.isArray(whole) ? whole : Array.isArray(items) ? items : [whole]) as unknown[]));
    } catch {
      // a log of one event a line
    }
    return { file, lines, values };
  });
}
