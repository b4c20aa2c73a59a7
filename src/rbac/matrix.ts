/**
 * An access matrix for one user (rakkess-style): resources × verbs, every cell decided by the same
 * authorizer as can-i. With a namespace only namespaced resources are listed (and RoleBindings there
 * count); without one, every resource cluster-wide.
 */
import { authorize, type RbacIndex } from './authorizer.js';
import { BUILTIN_RESOURCES } from './resources.js';
import type { UserInfo } from './types.js';

export const MATRIX_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

export interface MatrixRow {
  /** "pods", "deployments.apps", "pods/exec" */
  resource: string;
  group: string;
  namespaced: boolean;
  verbs: Record<string, boolean>;
}

export interface AccessMatrix {
  user: UserInfo;
  namespace: string;
  verbs: string[];
  rows: MatrixRow[];
}

export function accessMatrix(index: RbacIndex, user: UserInfo, namespace: string, opts: { verbs?: readonly string[]; subresources?: boolean } = {}): AccessMatrix {
  const verbs = [...(opts.verbs ?? MATRIX_VERBS)];
  const rows: MatrixRow[] = [];
  const seen = new Set<string>();
  for (const r of BUILTIN_RESOURCES) {
    if (namespace && !r.namespaced) continue;
    const key = `${r.group}/${r.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const sub of ['', ...(opts.subresources ? r.subresources : [])]) {
      const cells: Record<string, boolean> = {};
      for (const verb of verbs) {
        cells[verb] = authorize(index, user, { resourceRequest: true, verb, namespace, apiGroup: r.group, resource: r.name, subresource: sub, name: '', path: '' }).allowed;
      }
      rows.push({ resource: `${r.name}${r.group ? `.${r.group}` : ''}${sub ? `/${sub}` : ''}`, group: r.group, namespaced: r.namespaced, verbs: cells });
    }
  }
  return { user, namespace, verbs, rows };
}
