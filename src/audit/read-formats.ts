/**
 * From one parsed JSON value to the audit events it holds. Accepted shapes:
 * - an audit Event (audit.k8s.io/v1 or v1beta1, or without apiVersion as in Falco's captures);
 * - EventList (the webhook backend's batch), `v1` and `meta.k8s.io/v1` List, a JSON array;
 * - an EKS CloudWatch Logs export (`{"events":[{"message":"<event JSON>"}]}`) or one such record;
 * - an AKS diagnostic record (`properties.log` as an object or a JSON string), or `{"records":[...]}`;
 * - a GKE Cloud Audit Log entry (`protoPayload` with methodName `io.k8s.<group>.<version>.<resource>.<verb>`
 *   and resourceName `<group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]`).
 */
import type { AuditEvent } from './read-types.js';

export type Sink = (e: AuditEvent) => void;
export type ProblemSink = (message: string) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseEmbedded(text: string, what: string, emit: Sink, problem: ProblemSink, depth: number): void {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    problem(`${what} is not valid JSON: ${(e as Error).message}`);
    return;
  }
  unwrapAuditValue(v, emit, problem, depth + 1);
}

// google.rpc.Code → HTTP status, for the codes the Kubernetes API returns
const GRPC_TO_HTTP: Record<number, number> = { 0: 200, 3: 400, 5: 404, 6: 409, 7: 403, 8: 429, 9: 422, 10: 409, 13: 500, 14: 503, 16: 401 };

/** A GKE protoPayload mapped back to the event fields RBAC generation and detection read. */
export function gkeToEvent(entry: Record<string, unknown>, payload: Record<string, unknown>): AuditEvent | string {
  const method = typeof payload.methodName === 'string' ? payload.methodName : '';
  const resourceName = typeof payload.resourceName === 'string' ? payload.resourceName : '';
  const verb = method.slice(method.lastIndexOf('.') + 1);
  if (!method.startsWith('io.k8s.') || !verb) return `GKE entry without a Kubernetes methodName (${JSON.stringify(method)})`;
  const auth = isRecord(payload.authenticationInfo) ? payload.authenticationInfo : {};
  const status = isRecord(payload.status) ? payload.status : {};
  const grpc = typeof status.code === 'number' ? status.code : 0;
  const e: AuditEvent = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    stage: 'ResponseComplete',
    verb,
    user: { username: typeof auth.principalEmail === 'string' ? auth.principalEmail : '' },
    responseStatus: { code: GRPC_TO_HTTP[grpc] ?? 500 },
  };
  if (typeof entry.insertId === 'string') e.auditID = entry.insertId;
  if (typeof entry.timestamp === 'string') e.requestReceivedTimestamp = e.stageTimestamp = entry.timestamp;
  if (resourceName.startsWith('/')) {
    e.requestURI = resourceName;
    return e;
  }
  // <group>/<version>[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]; "core" is the legacy group
  const parts = resourceName.split('/');
  const [group = '', version = ''] = parts;
  let rest = parts.slice(2);
  const ref: NonNullable<AuditEvent['objectRef']> = { apiGroup: group === 'core' ? '' : group, apiVersion: version };
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    ref.namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const [resource = '', name, subresource] = rest;
  ref.resource = resource;
  if (resource === 'namespaces' && name) ref.namespace = name;
  if (name) ref.name = name;
  if (subresource) ref.subresource = subresource;
  e.objectRef = ref;
  e.requestURI = `/${group === 'core' ? 'api' : `apis/${group}`}/${version}${ref.namespace && resource !== 'namespaces' ? `/namespaces/${ref.namespace}` : ''}/${rest.join('/')}`;
  return e;
}

const MAX_NESTING = 4;

/** Calls `emit` for each audit event `v` holds and `problem` for each part that is not one. */
export function unwrapAuditValue(v: unknown, emit: Sink, problem: ProblemSink, depth = 0): void {
  if (depth > MAX_NESTING) {
    problem('audit events nested too deeply');
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) unwrapAuditValue(item, emit, problem, depth + 1);
    return;
  }
  if (!isRecord(v)) {
    problem(`not an audit event: a JSON ${v === null ? 'null' : typeof v}`);
    return;
  }
  const kind = v.kind;
  // the common case first: an Event, with or without kind/apiVersion (Falco captures have neither apiVersion nor sometimes kind)
  if (kind === 'Event' || (kind === undefined && typeof v.verb === 'string' && ('user' in v || 'requestURI' in v))) {
    if (typeof v.verb !== 'string') problem('audit event without a verb');
    else emit(v as unknown as AuditEvent);
    return;
  }
  if ((kind === 'EventList' || kind === 'List') && Array.isArray(v.items)) {
    for (const item of v.items) unwrapAuditValue(item, emit, problem, depth + 1);
    return;
  }
  if (Array.isArray(v.events) || Array.isArray(v.records)) {
    for (const item of (v.events ?? v.records) as unknown[]) unwrapAuditValue(item, emit, problem, depth + 1);
    return;
  }
  if (typeof v.message === 'string' && v.message.startsWith('{')) {
    parseEmbedded(v.message, 'CloudWatch message', emit, problem, depth);
    return;
  }
  if (isRecord(v.properties) && 'log' in v.properties) {
    const log = v.properties.log;
    if (typeof log === 'string') parseEmbedded(log, 'AKS properties.log', emit, problem, depth);
    else unwrapAuditValue(log, emit, problem, depth + 1);
    return;
  }
  if (isRecord(v.protoPayload)) {
    const e = gkeToEvent(v, v.protoPayload);
    if (typeof e === 'string') problem(e);
    else emit(e);
    return;
  }
  problem(`not an audit event (kind ${JSON.stringify(kind ?? null)})`);
}
