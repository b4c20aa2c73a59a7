/**
 * From an audit event to what the authorizer saw: the effective user and the request attributes.
 * Mirrors how the API server builds them (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go,
 * filters/authorization.go GetAuthorizerAttributes) as far as an audit event records them:
 * - the user is the impersonated user when there is one (the authorizer runs after impersonation);
 * - a request with an objectRef is a resource request; scope is objectRef.namespace;
 * - a create carries no name for RBAC (the name is only known after decoding the body; audit2rbac #24);
 * - a non-resource path is the request URI without its query string.
 */
import type { RequestAttributes, UserInfo } from '../rbac/types.js';
import type { AuditEvent } from './read-types.js';

/** The user the authorizer judged (impersonatedUser when present). Username "" for unauthenticated 401s. */
export function effectiveUser(e: AuditEvent): UserInfo {
  const u = e.impersonatedUser ?? e.user;
  return { name: u?.username ?? '', groups: u?.groups ?? [] };
}

export function effectiveUsername(e: AuditEvent): string {
  return (e.impersonatedUser ?? e.user)?.username ?? '';
}

export function stripQuery(uri: string): string {
  const q = uri.indexOf('?');
  return q < 0 ? uri : uri.slice(0, q);
}

export function eventAttributes(e: AuditEvent): RequestAttributes {
  const o = e.objectRef;
  if (!o) {
    return { resourceRequest: false, verb: e.verb, path: stripQuery(e.requestURI ?? ''), namespace: '', apiGroup: '', resource: '', subresource: '', name: '' };
  }
  return {
    resourceRequest: true,
    verb: e.verb,
    namespace: o.namespace ?? '',
    apiGroup: o.apiGroup ?? '',
    resource: o.resource ?? '',
    subresource: o.subresource ?? '',
    name: e.verb === 'create' ? '' : (o.name ?? ''),
    path: '',
  };
}

/** HTTP status of the response (0 when the stage has none, e.g. ResponseStarted) */
export function responseCode(e: AuditEvent): number {
  return e.responseStatus?.code ?? 0;
}

/**
 * Whether the authorizer denied the request: the authorization.k8s.io/decision annotation when logged
 * (an admission 403 after an "allow" is not an RBAC denial), else HTTP 403.
 */
export function authorizationDenied(e: AuditEvent): boolean {
  const decision = e.annotations?.['authorization.k8s.io/decision'];
  if (decision !== undefined) return decision === 'forbid';
  return responseCode(e) === 403;
}

/** When the request was received (RFC 3339), "" when the event has no timestamp. */
export function eventTime(e: AuditEvent): string {
  return e.requestReceivedTimestamp ?? e.timestamp ?? e.stageTimestamp ?? '';
}
