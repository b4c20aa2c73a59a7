/**
 * Who a request runs as. Service-account names and groups follow
 * staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go; the groups an impersonated
 * user receives follow staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go.
 */
import type { UserInfo } from './types.js';

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
export const MASTERS = 'system:masters';
const SA_PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}

// a DNS-1123 label (namespace) and subdomain (service account name), as SplitUsername validates them
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** namespace and name of a service-account username, or undefined (serviceaccount.SplitUsername) */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (namespace.length > 63 || !DNS_LABEL.test(namespace) || name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/**
 * The user an API server builds for `--as USER [--as-group G]...` (kubectl impersonation): a
 * service-account name without groups gets its SA groups; everyone but system:anonymous gets
 * system:authenticated unless an all-(un)authenticated group was given; anonymous gets system:unauthenticated.
 */
export function impersonatedUser(name: string, groups: readonly string[] = []): UserInfo {
  const sa = splitServiceAccountUsername(name);
  const out = groups.length === 0 && sa ? serviceAccountGroups(sa.namespace) : [...groups];
  if (name !== ANONYMOUS) {
    if (!out.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) out.push(ALL_AUTHENTICATED);
  } else if (!out.includes(ALL_UNAUTHENTICATED)) {
    out.push(ALL_UNAUTHENTICATED);
  }
  return { name, groups: out };
}
