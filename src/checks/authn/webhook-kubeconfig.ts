/**
 * How the API server reaches a webhook it trusts with decisions (token authentication,
 * authorization): a kubeconfig-format file whose current cluster must be https and verified.
 * A webhook reached over http, or without verifying its certificate, can be impersonated by anyone
 * on the path, who then answers "allowed" or "this token is cluster-admin".
 */
import type { KubeconfigCluster, KubeconfigFacts, NodeFile } from '../../model/control-plane.js';
import { evidenceForFile } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

/** The cluster a webhook kubeconfig uses: its current context's, else the first (client-go's loader picks current-context). */
function clusterOf(kc: KubeconfigFacts): KubeconfigCluster | undefined {
  const ctx = kc.contexts.find((x) => x.name === kc.currentContext) ?? kc.contexts[0];
  return kc.clusters.find((x) => x.name === ctx?.cluster) ?? kc.clusters[0];
}

export interface TransportProblem {
  detail: string;
  evidence: Evidence;
}

/** Problems with the connection a webhook kubeconfig describes; empty when https and verified (or unknown). */
export function webhookTransportProblems(file: NodeFile): TransportProblem[] {
  const cluster = file.kubeconfig ? clusterOf(file.kubeconfig) : undefined;
  if (!cluster) return [];
  const at = (field: string, value: string | null): Evidence => evidenceForFile(file, { line: cluster.line ?? null, field, value });
  const out: TransportProblem[] = [];
  if (cluster.server?.startsWith('http://')) out.push({ detail: `webhook server ${cluster.server} is plain http`, evidence: at(`clusters.${cluster.name}.server`, cluster.server) });
  if (cluster.insecureSkipTlsVerify) out.push({ detail: `insecure-skip-tls-verify is set for ${cluster.server ?? cluster.name}`, evidence: at(`clusters.${cluster.name}.insecure-skip-tls-verify`, 'true') });
  return out;
}

