/** Audit policies for the audit-policy checks: documents as the node-root source parses them, with a line per rule. */
import type { NodeFile } from '../../../src/model/control-plane.js';
import { singleHost } from '../../helpers/fixture.js';

export const POLICY_PATH = 'etc/kubernetes/audit-policy.yaml';

/** Lines: rule i's `level` sits on line 10 + 5·i. */
export function policyFile(rules: Record<string, unknown>[], top: Record<string, unknown> = { omitStages: ['RequestReceived'] }): Partial<NodeFile> {
  const lines: Record<string, number> = { apiVersion: 1, rules: 4, omitStages: 3 };
  rules.forEach((_, i) => {
    lines[`rules.${i}`] = 9 + 5 * i;
    lines[`rules.${i}.level`] = 10 + 5 * i;
  });
  return { document: { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', ...top, rules }, lines };
}

export function withPolicy(rules: Record<string, unknown>[], top?: Record<string, unknown>, version?: string) {
  return singleHost((h) => h.apiserver(['--audit-policy-file=/etc/kubernetes/audit-policy.yaml', '--audit-log-path=/var/log/audit.log'], version ? { version } : {}).file(POLICY_PATH, policyFile(rules, top)));
}

/** The shape of the upstream GCE production policy (configure-helper.sh create-master-audit-policy), abridged. */
export const PRODUCTION_RULES: Record<string, unknown>[] = [
  { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }] },
  { level: 'None', userGroups: ['system:nodes'], verbs: ['get'], resources: [{ group: '', resources: ['nodes', 'nodes/status'] }] },
  { level: 'None', nonResourceURLs: ['/healthz*', '/version', '/swagger*'] },
  { level: 'None', resources: [{ group: '', resources: ['events'] }] },
  { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
  { level: 'Request', verbs: ['get', 'list', 'watch'], resources: [{ group: '' }, { group: 'apps' }, { group: 'rbac.authorization.k8s.io' }] },
  { level: 'RequestResponse', resources: [{ group: '' }, { group: 'apps' }, { group: 'rbac.authorization.k8s.io' }, { group: 'admissionregistration.k8s.io' }, { group: 'certificates.k8s.io' }] },
  { level: 'Metadata' },
];
