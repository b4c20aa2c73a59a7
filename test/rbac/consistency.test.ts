/**
 * who-can and can-i must tell the same story: for generated questions over the whole corpus, RBAC allows
 * a user exactly when who-can lists a subject that applies to that user.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIndex, rbacAuthorize } from '../../src/rbac/authorizer.js';
import { serviceAccountUsername } from '../../src/rbac/identity.js';
import { loadRbacFiles } from '../../src/rbac/load.js';
import type { Subject, UserInfo } from '../../src/rbac/types.js';
import { whoCan } from '../../src/rbac/who-can.js';
import { generateQuestions } from './requests.js';

const FIX = new URL('../fixtures/rbac/', import.meta.url).pathname;

function applies(s: Subject, u: UserInfo): boolean {
  if (s.kind === 'User') return s.name === u.name;
  if (s.kind === 'Group') return u.groups.includes(s.name);
  return serviceAccountUsername(s.namespace, s.name) === u.name;
}

describe('who-can agrees with can-i', () => {
  it('on 3000 generated questions over the corpus and the edge cases', async () => {
    const { policy } = await loadRbacFiles([...['k8s-bootstrap', 'flux2', 'ingress-nginx', 'kube-prometheus', 'metrics-server'].map((p) => join(FIX, p)), new URL('./edge-cases.yaml', import.meta.url).pathname]);
    const index = buildIndex(policy);
    const questions = generateQuestions(policy, 3000, 99);
    const bad: string[] = [];
    let yes = 0;
    for (const q of questions) {
      const allowed = rbacAuthorize(index, q.user, q.attributes).allowed;
      if (allowed) yes++;
      const listed = whoCan(index, q.attributes).entries.some((e) => applies(e.subject, q.user));
      if (allowed !== listed) bad.push(`${JSON.stringify(q)}: can-i ${allowed}, who-can ${listed}`);
    }
    expect(bad).toEqual([]);
    expect(yes).toBeGreaterThan(300);
  });
});
