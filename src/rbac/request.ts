/**
 * From what a user types (`VERB TYPE[.GROUP][/NAME]` or `VERB /URL`, `--subresource`, `-n`) to the
 * authorizer's attributes, the way kubectl auth can-i builds its SubjectAccessReview
 * (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go: Complete, RunAccessCheck).
 */
import { resolveResource, type ApiResource } from './resources.js';
import type { RequestAttributes } from './types.js';

export interface TargetInput {
  verb: string;
  target: string;
  subresource?: string;
  /** -n; undefined when not given */
  namespace?: string;
  allNamespaces?: boolean;
  /** take TYPE[.GROUP] literally: no lowercasing, no short names, namespace only when given */
  raw?: boolean;
}

export interface Target {
  attributes: RequestAttributes;
  /** the table entry the type resolved to (undefined for URLs, `*`, unknown types and --raw) */
  known?: ApiResource;
  /** what kubectl would warn about (unknown type, cluster-scoped type with a namespace) */
  warnings: string[];
}

/** kubectl's namespace when -n is not given: the kubeconfig context's, else "default" */
export const DEFAULT_NAMESPACE = 'default';

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

export function parseTarget(t: TargetInput): Target {
  const warnings: string[] = [];
  if (t.target.startsWith('/')) {
    if (t.subresource) throw new TargetError('--subresource can not be used with NonResourceURL');
    return { attributes: { resourceRequest: false, verb: t.verb, path: t.target, namespace: '', apiGroup: '', resource: '', subresource: '', name: '' }, warnings };
  }
  const slash = t.target.indexOf('/');
  const typeArg = slash < 0 ? t.target : t.target.slice(0, slash);
  const name = slash < 0 ? '' : t.target.slice(slash + 1);
  let group: string;
  let resource: string;
  let known: ApiResource | undefined;
  if (t.raw) {
    const dot = typeArg.indexOf('.');
    resource = dot < 0 ? typeArg : typeArg.slice(0, dot);
    group = dot < 0 ? '' : typeArg.slice(dot + 1);
  } else {
    const r = resolveResource(typeArg);
    ({ group, resource, known } = r);
    if (!known && resource !== '*') warnings.push(group ? `the built-in resource table has no resource type '${resource}' in group '${group}'; using it as typed` : `the built-in resource table has no resource type '${resource}'; using it as typed`);
  }
  const namespace = t.allNamespaces ? '' : t.raw ? (t.namespace ?? '') : (t.namespace ?? DEFAULT_NAMESPACE);
  if (known && !known.namespaced && namespace && !t.raw) {
    warnings.push(group ? `resource '${resource}' is not namespace scoped in group '${group}'` : `resource '${resource}' is not namespace scoped`);
  }
  const attributes: RequestAttributes = { resourceRequest: true, verb: t.verb, namespace, apiGroup: group, resource, subresource: t.subresource ?? '', name, path: '' };
  const out: Target = { attributes, warnings };
  if (known) out.known = known;
  return out;
}

/** "get pods/log named x in namespace default", for headings and explanations */
export function describeRequest(a: RequestAttributes): string {
  if (!a.resourceRequest) return `${a.verb} ${a.path}`;
  const res = `${a.resource}${a.apiGroup ? `.${a.apiGroup}` : ''}${a.subresource ? `/${a.subresource}` : ''}`;
  return `${a.verb} ${res}${a.name ? ` named "${a.name}"` : ''} ${a.namespace ? `in namespace "${a.namespace}"` : 'cluster-wide'}`;
}
