/**
 * How the API server reaches a webhook it trusts with decisions (token authentication,
 * authorization): a kubeconfig-format file whose current cluster must be https and verified.
 * A webhook reached over http, or without verifying its certificate, can be impersonated by anyone
 * on the path, who then answers "allowed" or "this token is cluster-admin".
 */
import type { NodeFile } from '../../model/control-plane.js';
import { evidenceForFile, kubeconfigCurrent } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

export interface TransportProblem {
  detail: string;
  evidence: Evidence;
}

/** Problems with the connection a webhook kubeconfig describes; empty when https and verified (or unknown). */
export function webhookTransportProblems(file: NodeFile): TransportProblem[] {
  const cluster = file.kubeconfig ? kubeconfigCurrent(file.kubeconfig).cluster : undefined;
  if (!cluster) return [];
  const at = (field: string, value: string | null): Evidence => evidenceForFile(file, { line: cluster.line ?? null, field, value });
  const out: TransportProblem[] = [];
  if (cluster.server?.startsWith('http://')) out.push({ detail: `webhook server ${cluster.server} is plain http`, evidence: at(`clusters.${cluster.name}.server`, cluster.server) });
  if (cluster.insecureSkipTlsVerify) out.push({ detail: `insecure-skip-tls-verify is set for ${cluster.server ?? cluster.name}`, evidence: at(`clusters.${cluster.name}.insecure-skip-tls-verify`, 'true') });
  return out;
}

