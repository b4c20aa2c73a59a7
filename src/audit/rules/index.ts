/** The detection rules `audit detect` and `audit serve` run, in report order. */
import type { DetectionRule } from './rule.js';
import admissionWebhookChanged from './admission-webhook-changed.js';
import anonymousAllowed from './anonymous-allowed.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import csrApproval from './csr-approval.js';
import eventsDeleted from './events-deleted.js';
import forbiddenBurst from './forbidden-burst.js';
import impersonation from './impersonation.js';
import nodesProxy from './nodes-proxy.js';
import podExec from './pod-exec.js';
import podPortforward from './pod-portforward.js';
import privilegedPod from './privileged-pod.js';
import rbacChangeDenied from './rbac-change-denied.js';
import rbacEscalateBind from './rbac-escalate-bind.js';
import secretsRead from './secrets-read.js';
import tokenRequest from './token-request.js';
import unauthenticatedBurst from './unauthenticated-burst.js';

export const detectionRules: readonly DetectionRule<unknown>[] = [
  secretsRead,
  impersonation,
  clusterAdminBinding,
  rbacEscalateBind,
  rbacChangeDenied,
  admissionWebhookChanged,
  nodesProxy,
  podExec,
  podPortforward,
  privilegedPod,
  tokenRequest,
  csrApproval,
  anonymousAllowed,
  unauthenticatedBurst,
  forbiddenBurst,
  eventsDeleted,
];
