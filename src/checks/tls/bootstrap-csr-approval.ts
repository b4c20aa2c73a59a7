import { defineCheck } from '../registry.js';
import { emptyEvidence, type Evidence, type Severity } from '../../model/finding.js';
import { loadRbacFromObjects } from '../../rbac/load.js';
import type { Binding, Role, Subject } from '../../rbac/types.js';

/**
 * The csrapproving controller approves a kubelet client CSR when its requester may `create`
 * certificatesigningrequests/nodeclient (first certificate, any node name) or .../selfnodeclient
 * (renewal of the requester's own identity), asked through a cluster-scoped SubjectAccessReview.
 * pkg/controller/certificates/approver/sarapprove.go (recognizers, authorize);
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (the two ClusterRoles).
 */
const NODECLIENT = 'certificatesigningrequests/nodeclient';
const SELFNODECLIENT = 'certificatesigningrequests/selfnodeclient';
const WELL_KNOWN: Record<string, string> = {
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient': NODECLIENT,
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient': SELFNODECLIENT,
};
/** groups that mean "everyone" or "every workload" */
const EVERYONE = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

/** Which approval subresources a role grants `create` on, naming them explicitly (wildcard super-roles are the RBAC checks' business). */
function approvalsGranted(binding: Binding, role: Role | undefined): string[] {
  if (!role) {
    const known = binding.roleRef.kind === 'ClusterRole' ? WELL_KNOWN[binding.roleRef.name] : undefined;
    return known ? [known] : [];
  }
  const out = new Set<string>();
  for (const r of role.rules) {
    if (!r.verbs.some((v) => v === 'create' || v === '*')) continue;
    if (!r.apiGroups.some((g) => g === 'certificates.k8s.io' || g === '*')) continue;
    for (const res of r.resources) if (res === NODECLIENT || res === SELFNODECLIENT) out.add(res);
  }
  return [...out];
}

function subjectText(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

/** undefined: the subject is what the approval is meant for; else the severity of granting it. */
function misfit(approval: string, s: Subject): Severity | undefined {
  if (s.kind === 'Group' && EVERYONE.has(s.name)) return 'critical';
  if (s.kind === 'Group' && s.name.startsWith('system:serviceaccounts:')) return 'critical';
  if (approval === NODECLIENT) {
    if (s.kind === 'Group' && (s.name === 'system:bootstrappers' || s.name.startsWith('system:bootstrappers:'))) return undefined;
    // nodeclient approves a certificate for any node name: a node holding it can become every other node
    return 'high';
  }
  if (s.kind === 'Group' && s.name === 'system:nodes') return undefined;
  if (s.kind === 'User' && s.name.startsWith('system:node:')) return undefined;
  return 'high';
}

function bindingEvidence(b: Binding, s: Subject): Evidence {
  const src = b.at.kind === 'file' ? 'file' : b.at.kind === 'snapshot' ? 'snapshot' : 'api';
  return { ...emptyEvidence(src), file: b.at.file ?? null, line: b.at.line ?? null, object: b.at.object ?? `ClusterRoleBinding/${b.name}`, field: 'subjects', value: subjectText(s) };
}

export default defineCheck({
  id: 'tls/bootstrap-csr-approval',
  practice: 'tls',
  severity: 'high',
  cis: [],
  title: 'Kubelet client-certificate auto-approval is granted beyond bootstrappers and nodes',
  why: 'Whoever may create certificatesigningrequests/nodeclient gets a node client certificate for any node name approved automatically, and selfnodeclient renews the requester\'s own node identity. Granted to system:bootstrappers (nodeclient) and system:nodes (selfnodeclient) this is TLS bootstrapping; granted to anyone else it hands out node identities, which read Secrets of the pods on that node and can impersonate other nodes.',
  remediation: 'Bind system:certificates.k8s.io:certificatesigningrequests:nodeclient only to Group system:bootstrappers (or a system:bootstrappers:<name> sub-group) and ...:selfnodeclient only to Group system:nodes; remove other subjects from these bindings and from custom roles that grant create on those subresources.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#approval', 'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/'],
  reads: 'ClusterRoleBindings whose role grants create on certificatesigningrequests/nodeclient or /selfnodeclient',
  appliesTo: (cp) => (cp.rbac?.length ?? 0) > 0,
  run(cp, report) {
    const policy = loadRbacFromObjects(cp.rbac ?? []);
    const roles = new Map(policy.clusterRoles.map((r) => [r.name, r]));
    // the approver's SubjectAccessReview is cluster-scoped: only ClusterRoleBindings count
    for (const b of policy.clusterRoleBindings) {
      const role = b.roleRef.kind === 'ClusterRole' ? roles.get(b.roleRef.name) : undefined;
      for (const approval of approvalsGranted(b, role)) {
        for (const s of b.subjects) {
          const severity = misfit(approval, s);
          if (!severity) continue;
          report({
            component: 'kube-controller-manager',
            host: 'cluster',
            evidence: bindingEvidence(b, s),
            severity,
            detail: `ClusterRoleBinding ${b.name} lets ${subjectText(s)} get ${approval === NODECLIENT ? 'node client certificates for any node name' : 'its node client certificate renewed'} auto-approved (create ${approval})`,
          });
        }
      }
    }
  },
});
