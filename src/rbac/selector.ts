/**
 * metav1.LabelSelector matching as LabelSelectorAsSelector builds it
 * (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go): matchLabels and matchExpressions are
 * ANDed; an empty selector selects everything. NotIn and DoesNotExist also match when the key is absent.
 */
import type { LabelSelector } from './types.js';

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) {
    if (labels[k] !== v) return false;
  }
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || value === undefined || !e.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && e.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // LabelSelectorAsSelector fails on an unknown operator; the controller then aggregates nothing for the role
        throw new Error(`"${e.operator}" is not a valid label selector operator`);
    }
  }
  return true;
}
