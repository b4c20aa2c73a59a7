import { describe, expect, it } from 'vitest';
import check from '../../../src/checks/input/managed-control-plane.js';
import { runChecks } from '../../../src/checks/registry.js';
import type { ClusterFacts } from '../../../src/model/control-plane.js';
import { testCheck } from '../../helpers/check-tester.js';
import { controlPlane } from '../../helpers/fixture.js';

const cluster = (managedBy?: string): ClusterFacts => ({
  server: 'https://eks.example:443',
  webhooks: [],
  apiServices: [],
  nodes: [],
  csrs: [],
  bootstrapTokens: [],
  ...(managedBy ? { managedBy } : {}),
});

testCheck(check, {
  valid: [
    { name: 'self-managed cluster', cp: controlPlane().with((cp) => (cp.cluster = cluster())).build() },
    { name: 'node-root scan (no API facts)', cp: controlPlane().host('cp-1').build() },
  ],
  invalid: [],
});

// testCheck wants every finding in the check's own practice; this check reports one per practice.
describe('input/managed-control-plane on a managed cluster', () => {
  it('reports one info finding per practice, never a pass', () => {
    const found = runChecks(controlPlane().with((cp) => (cp.cluster = cluster('EKS'))).build(), [check]);
    expect(found.map((f) => f.practice).sort()).toEqual(['authn', 'encryption', 'etcd', 'rbac', 'tls']);
    for (const f of found) {
      expect(f.severity).toBe('info');
      expect(f.host).toBe('EKS');
      expect(f.evidence).toMatchObject({ source: 'api', value: 'EKS', object: 'https://eks.example:443' });
      expect(f.detail).toContain('Managed by EKS: not assessed');
    }
  });
});
