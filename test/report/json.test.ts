import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { fixedResult } from './fixed-result.js';

describe('json report', () => {
  it('matches the golden file', async () => {
    await expect(render(fixedResult(), 'json')).toMatchFileSnapshot('./golden/scan.json');
  });

  it('has exactly the keys of the output contract, in order', () => {
    const doc = JSON.parse(render(fixedResult(), 'json')) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['tool', 'version', 'target', 'kubernetesVersion', 'findings', 'graph', 'summary']);
    const f = (doc.findings as Record<string, unknown>[])[0]!;
    for (const k of ['id', 'practice', 'severity', 'title', 'component', 'host', 'evidence', 'why', 'remediation', 'cis', 'references']) expect(f).toHaveProperty(k);
    expect(Object.keys(f.evidence as object).sort()).toEqual(['field', 'file', 'flag', 'line', 'object', 'probe', 'source', 'value']);
    expect(Object.keys(doc.graph as object)).toEqual(['nodes', 'links']);
  });
});
