/**
 * pkg/controller/clusterroleaggregation/clusterroleaggregation_controller_test.go (TestSyncClusterRole,
 * v1.20.2) as data, plus nested aggregation, matchExpressions and the bootstrap admin ⊇ edit ⊇ view.
 */
import { describe, expect, it } from 'vitest';
import { aggregateClusterRoles } from '../../src/rbac/aggregate.js';
import type { LabelSelector, Role } from '../../src/rbac/types.js';
import { clusterRole, rule } from './upstream.js';

const hammer = [rule({ verbs: ['hammer'], resources: ['nails'] }), rule({ verbs: ['hammer'], resources: ['wedges'] })];
const chisel = [rule({ verbs: ['chisel'], resources: ['mortises'] })];
const saw = [rule({ verbs: ['saw'], resources: ['boards'] })];
const sel = (matchLabels: Record<string, string>): LabelSelector => ({ matchLabels, matchExpressions: [] });
function combined(selectors: Record<string, string>[], ...rules: (typeof hammer)[]): Role {
  return { ...clusterRole('combined', rules.flat()), aggregationRule: { clusterRoleSelectors: selectors.map(sel) } };
}
const fields = (r: Role | undefined) => r?.rules.map((x) => ({ verbs: x.verbs, resources: x.resources }));

const cases: { name: string; roles: Role[]; expected: Role }[] = [
  { name: 'remove dead rules', roles: [clusterRole('hammer', hammer, { foo: 'bar' }), combined([{ foo: 'bar' }], saw)], expected: combined([{ foo: 'bar' }], hammer) },
  { name: 'strip rules', roles: [clusterRole('hammer', hammer, { foo: 'not-bar' }), combined([{ foo: 'bar' }], hammer)], expected: combined([{ foo: 'bar' }]) },
  {
    name: 'select properly and put in order',
    roles: [clusterRole('hammer', hammer, { foo: 'bar' }), clusterRole('chisel', chisel, { foo: 'bar' }), clusterRole('saw', saw, { foo: 'not-bar' }), combined([{ foo: 'bar' }])],
    expected: combined([{ foo: 'bar' }], chisel, hammer),
  },
  {
    name: 'select properly with multiple selectors',
    roles: [clusterRole('hammer', hammer, { foo: 'bar' }), clusterRole('chisel', chisel, { foo: 'bar' }), clusterRole('saw', saw, { foo: 'not-bar' }), combined([{ foo: 'bar' }, { foo: 'not-bar' }])],
    expected: combined([{ foo: 'bar' }, { foo: 'not-bar' }], chisel, hammer, saw),
  },
  {
    name: 'select properly remove duplicates',
    roles: [clusterRole('hammer', hammer, { foo: 'bar' }), clusterRole('chisel', chisel, { foo: 'bar' }), clusterRole('saw', saw, { foo: 'bar' }), clusterRole('other-saw', saw, { foo: 'not-bar' }), combined([{ foo: 'bar' }, { foo: 'not-bar' }])],
    expected: combined([{ foo: 'bar' }, { foo: 'not-bar' }], chisel, hammer, saw),
  },
  { name: 'no diff skip', roles: [clusterRole('hammer', hammer, { foo: 'bar' }), combined([{ foo: 'bar' }], hammer)], expected: combined([{ foo: 'bar' }], hammer) },
];

describe('TestSyncClusterRole (clusterroleaggregation_controller_test.go)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const out = aggregateClusterRoles(c.roles).clusterRoles.find((r) => r.name === 'combined');
      expect(fields(out)).toEqual(fields(c.expected));
    });
  }
});

describe('aggregation beyond the controller test', () => {
  it('labels are ANDed within a selector, selectors ORed; the role itself is skipped', () => {
    const roles = [
      clusterRole('a', hammer, { x: '1', y: '1' }),
      clusterRole('b', chisel, { x: '1' }),
      clusterRole('c', saw, { z: '1' }),
      { ...clusterRole('self', [], { x: '1', y: '1' }), aggregationRule: { clusterRoleSelectors: [sel({ x: '1', y: '1' }), sel({ z: '1' })] } },
    ];
    const out = aggregateClusterRoles(roles).clusterRoles.find((r) => r.name === 'self');
    expect(fields(out)).toEqual(fields(clusterRole('e', [...hammer, ...saw])));
  });
  it('matchExpressions: In, NotIn (absent key matches), Exists, DoesNotExist', () => {
    const roles = [clusterRole('a', hammer, { tier: 'x' }), clusterRole('b', chisel, {}), clusterRole('c', saw, { tier: 'y', extra: '1' })];
    const run = (matchExpressions: LabelSelector['matchExpressions']) =>
      fields(aggregateClusterRoles([...roles, { ...clusterRole('agg', []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: {}, matchExpressions }] } }]).clusterRoles.find((r) => r.name === 'agg'));
    expect(run([{ key: 'tier', operator: 'In', values: ['x'] }])).toEqual(fields(clusterRole('e', hammer)));
    expect(run([{ key: 'tier', operator: 'NotIn', values: ['x'] }])).toEqual(fields(clusterRole('e', [...chisel, ...saw])));
    expect(run([{ key: 'extra', operator: 'Exists', values: [] }])).toEqual(fields(clusterRole('e', saw)));
    expect(run([{ key: 'tier', operator: 'DoesNotExist', values: [] }])).toEqual(fields(clusterRole('e', chisel)));
  });
  it('an empty selector selects every other ClusterRole', () => {
    const out = aggregateClusterRoles([clusterRole('a', hammer), clusterRole('b', saw), { ...clusterRole('all', []), aggregationRule: { clusterRoleSelectors: [sel({})] } }]);
    expect(fields(out.clusterRoles.find((r) => r.name === 'all'))).toEqual(fields(clusterRole('e', [...hammer, ...saw])));
  });
  it('nested aggregation converges (admin ⊇ edit ⊇ view) and remembers where each rule came from', () => {
    const out = aggregateClusterRoles([
      { ...clusterRole('admin', []), aggregationRule: { clusterRoleSelectors: [sel({ 'to-admin': 'true' })] } },
      { ...clusterRole('edit', [], { 'to-admin': 'true' }), aggregationRule: { clusterRoleSelectors: [sel({ 'to-edit': 'true' })] } },
      { ...clusterRole('view', [], { 'to-edit': 'true' }), aggregationRule: { clusterRoleSelectors: [sel({ 'to-view': 'true' })] } },
      clusterRole('contrib', saw, { 'to-view': 'true' }),
    ]);
    const admin = out.clusterRoles.find((r) => r.name === 'admin');
    expect(fields(admin)).toEqual(fields(clusterRole('e', saw)));
    expect(admin?.rules[0]?.aggregatedFrom).toBe('contrib');
    expect(out.warnings).toEqual([]);
  });
  it('an unknown operator leaves the role unchanged with a warning', () => {
    const out = aggregateClusterRoles([clusterRole('a', hammer), { ...clusterRole('bad', saw), aggregationRule: { clusterRoleSelectors: [{ matchLabels: {}, matchExpressions: [{ key: 'k', operator: 'Near', values: [] }] }] } }]);
    expect(fields(out.clusterRoles.find((r) => r.name === 'bad'))).toEqual(fields(clusterRole('e', saw)));
    expect(out.warnings[0]).toMatch(/Near/);
  });
});
