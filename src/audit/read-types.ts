/**
 * The audit event as kubeward reads it: the fields of audit.k8s.io/v1 Event
 * (staging/src/k8s.io/apiserver/pkg/apis/audit/v1/types.go) that consumers use. v1beta1 events have the
 * same shape for these fields. Values are the parsed JSON as logged: optional fields may be absent.
 */
export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface AuditResponseStatus {
  code?: number;
  status?: string;
  reason?: string;
  message?: string;
}

export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID?: string;
  /** RequestReceived, ResponseStarted, ResponseComplete, Panic; absent in some hand-made logs */
  stage?: string;
  requestURI?: string;
  verb: string;
  user?: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: AuditResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  /** v1beta1 and Falco captures carry this instead of requestReceivedTimestamp */
  timestamp?: string;
  annotations?: Record<string, string>;
}

/** Something in the input that is not a readable audit event: skipped, counted, reported. */
export interface AuditProblem {
  /** the input as given ("-" for stdin) */
  file: string;
  /** 1-based line where the bad value starts (0 when the whole input failed, e.g. it could not be opened) */
  line: number;
  message: string;
}

/** Counters the reader fills in while it runs (read them after the iteration ends). */
export interface AuditReadStats {
  files: number;
  lines: number;
  /** bytes read (compressed bytes for gzip inputs) */
  bytes: number;
  events: number;
  /** lines not parsed because they contain none of the `contains` substrings */
  prefiltered: number;
  problems: number;
  /** byte ranges read by worker threads (parallel.ts); 0 when everything was read by the calling thread */
  workerRanges: number;
}

export function emptyReadStats(): AuditReadStats {
  return { files: 0, lines: 0, bytes: 0, events: 0, prefiltered: 0, problems: 0, workerRanges: 0 };
}
