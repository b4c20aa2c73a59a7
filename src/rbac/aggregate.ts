/**
 * ClusterRole aggregation as the controller computes it
 * (pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go: syncClusterRole):
 * for each selector in order, the matching ClusterRoles sorted by name, skipping the aggregating role
 * itself, contribute each rule not already present (semantic equality); the union replaces the role's
 * own rules. The controller re-syncs every aggregating role on any change, so nested aggregation
 * (admin ⊇ edit ⊇ view) is iterated here to a fixed point.
 */
import { selectorMatches } from './selector.js';
import { sameRule } from './rules.js';
import type { Role, SourcedRule } from './types.js';

export interface AggregationResult {
  clusterRoles: Role[];
  warnings: string[];
}

function aggregatedRules(role: Role, all: readonly Role[]): SourcedRule[] {
  const out: SourcedRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const matching = all.filter((c) => selectorMatches(selector, c.labels)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of matching) {
      if (c.name === role.name) continue;
      for (const rule of c.rules) {
        if (!out.some((r) => sameRule(r, rule))) out.push({ ...rule, aggregatedFrom: rule.aggregatedFrom ?? c.name });
      }
    }
  }
  return out;
}

function sameRules(a: readonly SourcedRule[], b: readonly SourcedRule[]): boolean {
  return a.length === b.length && a.every((r, i) => sameRule(r, b[i] as SourcedRule));
}

/** Returns new ClusterRole objects; roles without an aggregationRule are returned as they are. */
export function aggregateClusterRoles(input: readonly Role[]): AggregationResult {
  const roles = input.map((r) => ({ ...r }));
  const warnings: string[] = [];
  const aggregating = roles.filter((r) => r.aggregationRule);
  // each pass can only propagate one level of nesting; more passes than roles means a cycle that does not settle
  for (let pass = 0; pass <= aggregating.length; pass++) {
    let changed = false;
    for (const role of aggregating) {
      let rules: SourcedRule[];
      try {
        rules = aggregatedRules(role, roles);
      } catch (e) {
        // the controller returns the selector error and leaves the role unchanged
        const msg = `ClusterRole/${role.name}: aggregation skipped: ${(e as Error).message}`;
        if (!warnings.includes(msg)) warnings.push(msg);
        continue;
      }
      if (!sameRules(rules, role.rules)) {
        role.rules = rules;
        changed = true;
      }
    }
    if (!changed) return { clusterRoles: roles, warnings };
  }
  warnings.push(`ClusterRole aggregation did not settle after ${aggregating.length + 1} passes (aggregation cycle); rules are those of the last pass`);
  return { clusterRoles: roles, warnings };
}
