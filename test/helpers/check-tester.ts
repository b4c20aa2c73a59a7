/**
 * RuleTester for checks (after ESLint's): each `valid` model yields no finding of the check, each
 * `invalid` model yields exactly the findings described (matched by the fields given).
 */
import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/checks/registry.js';
import { runChecks } from '../../src/checks/registry.js';
import type { ControlPlane } from '../../src/model/control-plane.js';
import type { Finding, Severity } from '../../src/model/finding.js';

export interface ExpectedFinding {
  host?: string;
  component?: string;
  severity?: Severity;
  flag?: string | null;
  field?: string | null;
  file?: string | null;
  line?: number | null;
  value?: string | null;
  source?: Finding['evidence']['source'];
  link?: string;
  /** a substring of the detail sentence */
  detail?: string;
}

export interface CheckCases {
  valid: { name: string; cp: ControlPlane }[];
  invalid: { name: string; cp: ControlPlane; findings: ExpectedFinding[] }[];
}

function matches(f: Finding, e: ExpectedFinding): boolean {
  const ev = f.evidence;
  return (
    (e.host === undefined || f.host === e.host) &&
    (e.component === undefined || f.component === e.component) &&
    (e.severity === undefined || f.severity === e.severity) &&
    (e.flag === undefined || ev.flag === e.flag) &&
    (e.field === undefined || ev.field === e.field) &&
    (e.file === undefined || ev.file === e.file) &&
    (e.line === undefined || ev.line === e.line) &&
    (e.value === undefined || ev.value === e.value) &&
    (e.source === undefined || ev.source === e.source) &&
    (e.link === undefined || f.link === e.link) &&
    (e.detail === undefined || (f.detail ?? '').includes(e.detail))
  );
}

export function testCheck(check: Check, cases: CheckCases): void {
  describe(check.id, () => {
    it('has complete metadata', () => {
      expect(check.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
      expect(check.title.length).toBeGreaterThan(10);
      expect(check.why.length).toBeGreaterThan(20);
      expect(check.remediation.length).toBeGreaterThan(10);
    });
    for (const v of cases.valid) {
      it(`valid: ${v.name}`, () => {
        const found = runChecks(v.cp, [check]);
        expect(found, JSON.stringify(found, null, 1)).toEqual([]);
      });
    }
    for (const inv of cases.invalid) {
      it(`invalid: ${inv.name}`, () => {
        const found = runChecks(inv.cp, [check]);
        expect(found.length, JSON.stringify(found, null, 1)).toBe(inv.findings.length);
        for (const e of inv.findings) {
          expect(found.some((f) => matches(f, e)), `expected ${JSON.stringify(e)} in ${JSON.stringify(found, null, 1)}`).toBe(true);
        }
        for (const f of found) {
          expect(f.practice).toBe(check.practice);
          expect(f.evidence.source).toBeTruthy();
        }
      });
    }
  });
}
