import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { sarifLevel } from '../../src/report/sarif.js';
import { fixedChecks, fixedResult } from './fixed-result.js';

// ajv-formats is CommonJS with a default export; under NodeNext the default arrives as the module
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The OASIS SARIF 2.1.0 schema (oasis-tcs/sarif-spec, sarif-2.1/prose/sarif-schema-2.1.0.json, the draft-07 edition). */
const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; help: { text: string }; helpUri?: string; properties: { tags: string[] } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
  }[];
}

function validate(text: string): void {
  // the schema's language-code pattern is not valid with the u flag, so patterns compile without it
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const ok = ajv.validate(schema, JSON.parse(text));
  expect(ok, JSON.stringify(ajv.errors, null, 1)).toBe(true);
}

describe('sarif report', () => {
  const text = render(fixedResult(), 'sarif', { rules: fixedChecks });
  const log = JSON.parse(text) as SarifLog;
  const run = log.runs[0]!;

  it('matches the golden file', async () => {
    await expect(text).toMatchFileSnapshot('./golden/scan.sarif');
  });

  it('is valid against the official SARIF 2.1.0 schema', () => {
    validate(text);
    validate(render({ ...fixedResult(), findings: [] }, 'sarif'));
  });

  it('lists every rule that ran (clean ones too) and rules for findings from outside the registry', () => {
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([...fixedChecks.map((c) => c.id), 'etcd/reachable-without-cert']);
    const kubeletCa = run.tool.driver.rules[0]!;
    expect(kubeletCa.help.text).toContain('Fix: Set --kubelet-certificate-authority');
    expect(kubeletCa.helpUri).toMatch(/^https:\/\//);
    expect(kubeletCa.properties.tags).toEqual(expect.arrayContaining(['tls', 'CIS-1.2.5']));
  });

  it('points results at the file and line, with the level from the severity', () => {
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const token = run.results.find((r) => r.ruleId === 'authn/token-auth-file')!;
    expect(token.level).toBe('warning');
    expect(token.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'etc/kubernetes/manifests/kube-apiserver.yaml', uriBaseId: 'NODEROOT' }, region: { startLine: 11 } });
    const probe = run.results.find((r) => r.ruleId === 'etcd/reachable-without-cert')!;
    expect(probe.locations[0]!.physicalLocation).toBeUndefined();
    expect([sarifLevel('critical'), sarifLevel('high'), sarifLevel('medium'), sarifLevel('low'), sarifLevel('info')]).toEqual(['error', 'error', 'warning', 'note', 'note']);
  });
});
