import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { DOC_PATH, IN_SCOPE, renderChecksDoc } from '../../scripts/gen-docs.js';

describe('docs/checks.md', () => {
  it('lists the 83 in-scope kube-bench cis-1.12 ids once each (checks.md §A.4: P1 36, P2 27, P3 7, P4 6, P5 7)', () => {
    expect(IN_SCOPE).toHaveLength(83);
    expect(new Set(IN_SCOPE.map((i) => i.id)).size).toBe(83);
    const count = (tag: string) => IN_SCOPE.filter((i) => i.tag === tag).length;
    expect([count('P1'), count('P2'), count('P3'), count('P4'), count('P5')]).toEqual([36, 27, 7, 6, 7]);
  });

  it('every registered check has a unique id', () => {
    const ids = allChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every in-scope id is covered by a check or says why not', () => {
    const text = renderChecksDoc(allChecks);
    for (const i of IN_SCOPE) expect(text).toMatch(new RegExp(`^\\| ${i.id.replace(/\./g, '\\.')} \\| .+ \\| (\`|not covered: .{20,})`, 'm'));
  });

  it('is up to date with the registry (run `npm run docs`)', () => {
    expect(readFileSync(DOC_PATH, 'utf8'), 'docs/checks.md is stale: run `npm run docs` (tsx scripts/gen-docs.ts) and commit it').toBe(renderChecksDoc(allChecks));
  });
});
