import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { escapeXml } from '../../src/report/junit.js';
import { fixedChecks, fixedResult } from './fixed-result.js';

interface Parsed {
  root: string;
  attrs: Record<string, string>;
  suites: { name: string; tests: number; failures: number; cases: { name: string; classname: string; failure: string | null; out: string | null }[] }[];
}

/**
 * Parses the XML back with an independent, strict parser (Python's expat through ElementTree, as
 * CI test-report readers use a real XML parser): a malformed document fails here.
 */
function parseBack(xml: string): Parsed {
  const script = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(json.dumps({"root": root.tag, "attrs": root.attrib, "suites": [
  {"name": s.get("name"), "tests": int(s.get("tests")), "failures": int(s.get("failures")),
   "cases": [{"name": c.get("name"), "classname": c.get("classname"),
              "failure": (c.find("failure").get("message") + "\\n" + (c.find("failure").text or "")) if c.find("failure") is not None else None,
              "out": c.find("system-out").text if c.find("system-out") is not None else None} for c in s.findall("testcase")]}
  for s in root.findall("testsuite")]}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: xml }).toString()) as Parsed;
}

describe('junit report', () => {
  const xml = render(fixedResult(), 'junit', { rules: fixedChecks });

  it('matches the golden file', async () => {
    await expect(xml).toMatchFileSnapshot('./golden/scan.junit.xml');
  });

  it('is a well-formed document with the declaration and a <testsuites> root (kube-bench#883)', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    const doc = parseBack(xml);
    expect(doc.root).toBe('testsuites');
    expect(doc.attrs.tests).toBe('9');
    expect(doc.attrs.failures).toBe('2');
  });

  it('has one suite per practice and one case per check and host; findings at or above --fail-on fail', () => {
    const doc = parseBack(xml);
    expect(doc.suites.map((s) => s.name)).toEqual(['kubeward.tls', 'kubeward.rbac', 'kubeward.authn', 'kubeward.etcd']);
    const tls = doc.suites.find((s) => s.name === 'kubeward.tls')!;
    expect(tls.cases.map((c) => c.name)).toEqual(['tls/apiserver-kubelet-ca [cp-1]', 'tls/apiserver-kubelet-ca [cp-2]']);
    expect(tls.cases[0]!.failure).toContain('--kubelet-certificate-authority=<ca-file>');
    expect(tls.cases[1]!.failure).toBeNull();
    const etcd = doc.suites.find((s) => s.name === 'kubeward.etcd')!;
    expect(etcd.failures).toBe(1);
    // below --fail-on (medium < high): passes, the finding goes to system-out
    const authn = doc.suites.find((s) => s.name === 'kubeward.authn')!;
    expect(authn.cases[0]!.failure).toBeNull();
    expect(authn.cases[0]!.out).toContain("'kubeward oidc setup'");
    // every failure is a finding at or above --fail-on, as the exit code counts them
    const lowered = parseBack(render({ ...fixedResult(), summary: { ...fixedResult().summary, failOn: 'info' } }, 'junit', { rules: fixedChecks }));
    expect(lowered.suites.reduce((n, s) => n + s.failures, 0)).toBe(4);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<filename> & "x" 'y' \u0007\u0000ok`)).toBe('&lt;filename&gt; &amp; &quot;x&quot; &apos;y&apos; ok');
    expect(xml).not.toContain('\u0007');
  });
});
