/**
 * The risky-permission patterns R1–R29 of spec rbac-and-oidc.md §3.6 as checks (practice `rbac`, ids
 * `rbac/risk-<name>`), over the RBAC objects in cp.rbac. Each finding names one binding, its subjects,
 * the role and the rule (file:line) that grant the capability. Severity is computed from scope:
 * cluster-wide or in a privileged namespace (kube-system and the namespaces of cluster-admin-equivalent
 * service accounts) is worse than namespaced; a grant limited by resourceNames is milder; a binding of
 * the Kubernetes bootstrap policy (label kubernetes.io/bootstrapping=rbac-defaults) is reported as info.
 * Not covered here: R2 (system:masters membership comes from certificates and OIDC, see the authn checks).
 */
import { defineCheck, type Check } from '../checks/registry.js';
import type { ControlPlane, Location, RbacObject } from '../model/control-plane.js';
import { emptyEvidence, type Evidence, type Severity } from '../model/finding.js';
import { buildIndex, resolveRoleRef, type RbacIndex } from './authorizer.js';
import { describeSubject } from './explain.js';
import { ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS } from './identity.js';
import { loadRbacFromObjects } from './load.js';
import { ANY, bindingSubjects, privilegedNamespaces, riskyGrants, type Probe, type RiskyGrant } from './risks.js';
import { describeRule } from './rules.js';
import { describeObject, type Binding, type SourcedRule } from './types.js';

const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';
const CERTS = 'certificates.k8s.io';
const REFERENCE = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

interface Analysis {
  index: RbacIndex;
  privileged: Set<string>;
}

// one analysis per cp.rbac array, shared by every risk check of a scan
const analyses = new WeakMap<readonly RbacObject[], Analysis>();

export function rbacAnalysis(objects: readonly RbacObject[]): Analysis {
  let a = analyses.get(objects);
  if (!a) {
    const index = buildIndex(loadRbacFromObjects(objects));
    a = { index, privileged: privilegedNamespaces(index) };
    analyses.set(objects, a);
  }
  return a;
}

function sourceKind(at: Location): Evidence['source'] {
  return at.kind === 'file' ? 'file' : at.kind === 'snapshot' ? 'snapshot' : 'api';
}

function ruleEvidence(binding: Binding, rule: SourcedRule | undefined): Evidence {
  const at = rule?.at ?? binding.at;
  return {
    ...emptyEvidence(sourceKind(at)),
    file: at.file ?? null,
    line: at.line ?? null,
    object: describeObject(binding),
    value: rule ? describeRule(rule) : `roleRef ${binding.roleRef.kind}/${binding.roleRef.name}`,
  };
}

const isDefault = (b: Binding): boolean => b.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults';

function scopeText(g: RiskyGrant): string {
  return g.namespace ? `in namespace ${g.namespace}` : 'cluster-wide';
}

function grantDetail(g: RiskyGrant, what: string): string {
  const hit = g.hits[0];
  const subjects = g.subjects.map(describeSubject).join(', ');
  const names = g.hits.flatMap((h) => h.names);
  const rules = g.hits.map((h) => `rule ${h.ruleIndex}${h.rule.aggregatedFrom ? ` (from ClusterRole/${h.rule.aggregatedFrom})` : ''}`);
  const where = hit ? ` via ${describeObject(g.role)} ${[...new Set(rules)].join(', ')}` : '';
  return `${describeObject(g.binding)} lets ${subjects} ${what} ${scopeText(g)}${names.length ? ` (only ${[...new Set(names)].join(', ')})` : ''}${where}${isDefault(g.binding) ? ' [Kubernetes bootstrap default]' : ''}`;
}

const SEVERITY_ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
function lower(s: Severity, steps = 1): Severity {
  return SEVERITY_ORDER[Math.max(0, SEVERITY_ORDER.indexOf(s) - steps)] as Severity;
}

interface GrantRisk {
  name: string;
  rid: string;
  /** the worst severity it reports (the check's meta severity) */
  base: Severity;
  title: string;
  why: string;
  remediation: string;
  cis?: string[];
  /** OR of ANDs of probes */
  alternatives: Probe[][];
  /** in words, for the detail sentence, per alternative (the first when shorter) */
  what: string[];
  /** severity for a grant, before the bootstrap-default and name-limit adjustments */
  severity: (g: RiskyGrant, a: Analysis, cp: ControlPlane) => Severity;
  /** skip grants that a broader check already reports (R1 always is) */
  unless?: Probe[][];
}

const WILDCARD_ADMIN: Probe[] = [{ verb: ANY, apiGroup: '', resource: ANY }];
const priv = (g: RiskyGrant, a: Analysis): boolean => !g.namespace || a.privileged.has(g.namespace);
const verbsOn = (verbs: string[], apiGroup: string, resource: string, subresource?: string): Probe[][] =>
  verbs.map((verb) => [subresource === undefined ? { verb, apiGroup, resource } : { verb, apiGroup, resource, subresource }]);

const WORKLOADS: [string, string][] = [
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['', 'replicationcontrollers'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];

const GRANT_RISKS: GrantRisk[] = [
  {
    name: 'wildcard-admin', rid: 'R1', base: 'critical', title: 'Binding grants every verb on every resource',
    why: 'A rule with verbs ["*"] and resources ["*"] is full administration: it covers every subresource, every special verb (escalate, bind, impersonate) and every resource type added later.',
    remediation: 'Replace the wildcard role with one that lists the resources and verbs the subject needs; keep cluster-admin bound to break-glass identities only.',
    cis: ['5.1.1', '5.1.3'],
    alternatives: [[{ verb: ANY, apiGroup: '', resource: ANY }]], what: ['do anything'],
    severity: (g) => (g.namespace ? 'high' : 'critical'),
  },
  {
    name: 'escalate', rid: 'R3', base: 'critical', title: 'Binding grants the escalate verb on roles',
    why: '`escalate` lets a subject write any permission into a role it can update, including roles bound to itself, bypassing RBAC escalation prevention.',
    remediation: 'Remove `escalate` (and `*` verbs) on roles/clusterroles from this role.', cis: ['5.1.8'],
    alternatives: [[{ verb: 'escalate', apiGroup: RBAC, resource: 'clusterroles' }], [{ verb: 'escalate', apiGroup: RBAC, resource: 'roles' }]], what: ['escalate clusterroles', 'escalate roles'],
    severity: (g) => (g.namespace ? 'high' : 'critical'),
  },
  {
    name: 'bind', rid: 'R4', base: 'critical', title: 'Binding grants bind on roles together with creating bindings',
    why: '`bind` on a role plus create on (cluster)rolebindings lets a subject bind that role, cluster-admin included, to itself or to anyone.',
    remediation: 'Remove `bind` (or restrict it with resourceNames to harmless roles) and create/update on role bindings.', cis: ['5.1.8'],
    alternatives: [
      [{ verb: 'bind', apiGroup: RBAC, resource: 'clusterroles' }, { verb: 'create', apiGroup: RBAC, resource: 'clusterrolebindings' }],
      [{ verb: 'bind', apiGroup: RBAC, resource: 'clusterroles' }, { verb: 'create', apiGroup: RBAC, resource: 'rolebindings' }],
      [{ verb: 'bind', apiGroup: RBAC, resource: 'roles' }, { verb: 'create', apiGroup: RBAC, resource: 'rolebindings' }],
    ],
    what: ['bind clusterroles and create clusterrolebindings', 'bind clusterroles and create rolebindings', 'bind roles and create rolebindings'],
    severity: (g) => (g.namespace ? 'high' : 'critical'),
  },
  {
    name: 'impersonate', rid: 'R5', base: 'critical', title: 'Binding grants impersonation',
    why: 'Impersonating users, groups or service accounts lets a subject act as anyone, including members of system:masters.',
    remediation: 'Remove `impersonate` or restrict it with resourceNames to the identities that are really needed.', cis: ['5.1.8'],
    alternatives: [
      [{ verb: 'impersonate', apiGroup: '', resource: 'groups' }],
      [{ verb: 'impersonate', apiGroup: '', resource: 'users' }],
      [{ verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts' }],
      [{ verb: 'impersonate:user-info', apiGroup: 'authentication.k8s.io', resource: 'users' }],
      [{ verb: 'impersonate:serviceaccount', apiGroup: '', resource: 'serviceaccounts' }],
      [{ verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'uids' }],
    ],
    what: ['impersonate groups', 'impersonate users', 'impersonate service accounts', 'impersonate users (constrained)', 'impersonate service accounts (constrained)', 'impersonate uids'],
    severity: (g) => (g.namespace ? 'high' : 'critical'),
  },
  {
    name: 'webhooks', rid: 'R6', base: 'critical', title: 'Binding grants control of admission webhooks',
    why: 'A mutating webhook sees and can change every admitted object, Secrets and Pods included; a validating webhook sees them and can block them.',
    remediation: 'Limit write access to (Mutating|Validating)WebhookConfigurations to the cluster operators.', cis: ['5.1.12'],
    alternatives: [...verbsOn(['create', 'update', 'patch'], ADMISSION, 'mutatingwebhookconfigurations'), ...verbsOn(['create', 'update', 'patch'], ADMISSION, 'validatingwebhookconfigurations')],
    what: ['write mutatingwebhookconfigurations', 'write mutatingwebhookconfigurations', 'write mutatingwebhookconfigurations', 'write validatingwebhookconfigurations'],
    severity: (g) => (g.alternative < 3 ? 'critical' : 'high'),
  },
  {
    name: 'csr-approval', rid: 'R7', base: 'critical', title: 'Binding can create and approve certificate signing requests',
    why: 'Creating a CSR and approving it for the kube-apiserver-client signer mints a client certificate for any user or group, system:masters included.',
    remediation: 'Keep CSR approval with the controller-manager and reviewed tooling; remove approve on signers and update on certificatesigningrequests/approval.', cis: ['5.1.11'],
    alternatives: [
      [{ verb: 'create', apiGroup: CERTS, resource: 'certificatesigningrequests' }, { verb: 'update', apiGroup: CERTS, resource: 'certificatesigningrequests', subresource: 'approval' }, { verb: 'approve', apiGroup: CERTS, resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }],
      [{ verb: 'create', apiGroup: CERTS, resource: 'certificatesigningrequests' }, { verb: 'update', apiGroup: CERTS, resource: 'certificatesigningrequests', subresource: 'status' }, { verb: 'sign', apiGroup: CERTS, resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }],
    ],
    what: ['create and approve client-certificate CSRs', 'create and sign client-certificate CSRs'],
    severity: () => 'critical',
  },
  {
    name: 'read-secrets', rid: 'R8', base: 'critical', title: 'Binding can read Secrets',
    why: 'get, list and watch return Secret contents: service-account tokens, credentials, TLS keys.',
    remediation: 'Grant Secret reads only where needed, by resourceNames where possible; never list/watch cluster-wide.', cis: ['5.1.2'],
    alternatives: verbsOn(['list', 'watch', 'get'], '', 'secrets'), what: ['list secrets', 'watch secrets', 'get secrets'],
    severity: (g, a) => (g.limited ? 'low' : priv(g, a) ? 'critical' : 'high'),
  },
  {
    name: 'write-secrets', rid: 'R9', base: 'critical', title: 'Binding can create or update Secrets',
    why: 'A Secret of type kubernetes.io/service-account-token that a subject creates is filled with a token of the named service account.',
    remediation: 'Remove create/update on secrets where not needed, above all in kube-system and namespaces of privileged service accounts.',
    alternatives: verbsOn(['create', 'update'], '', 'secrets'), what: ['create secrets', 'update secrets'],
    severity: (g, a) => (priv(g, a) ? 'critical' : 'high'),
  },
  {
    name: 'token-request', rid: 'R10', base: 'critical', title: 'Binding can request service-account tokens',
    why: 'create on serviceaccounts/token mints a token for any service account in scope.',
    remediation: 'Remove create on serviceaccounts/token or restrict it with resourceNames.', cis: ['5.1.13'],
    alternatives: [[{ verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token' }]], what: ['create service-account tokens'],
    severity: (g, a) => (g.limited ? 'medium' : priv(g, a) ? 'critical' : 'high'),
  },
  {
    name: 'workloads', rid: 'R11', base: 'critical', title: 'Binding can create pods or workloads',
    why: 'Whoever creates a pod picks its service account and mounts: every Secret, ConfigMap and service account of the namespace, and without a restrictive Pod Security level, the node.',
    remediation: 'Limit workload creation to deployment tooling; enforce the restricted Pod Security Standard in the namespace.',
    alternatives: [[{ verb: 'create', apiGroup: '', resource: 'pods' }], ...WORKLOADS.flatMap(([g, r]) => verbsOn(['create', 'update', 'patch'], g, r))],
    what: ['create pods', ...WORKLOADS.flatMap(([, r]) => [`create ${r}`, `update ${r}`, `patch ${r}`])],
    severity: (g, a) => (priv(g, a) ? 'critical' : 'high'),
  },
  {
    name: 'pod-exec', rid: 'R12', base: 'critical', title: 'Binding can exec, attach or port-forward into pods',
    why: 'pods/exec, pods/attach and pods/portforward run code inside existing pods; before Kubernetes 1.35 `get` on them is enough (websocket upgrade).',
    remediation: 'Remove exec/attach/portforward (create and get) where not needed.',
    alternatives: [...verbsOn(['create', 'get'], '', 'pods', 'exec'), ...verbsOn(['create', 'get'], '', 'pods', 'attach'), ...verbsOn(['create', 'get'], '', 'pods', 'portforward')],
    what: ['create pods/exec', 'get pods/exec', 'create pods/attach', 'get pods/attach', 'create pods/portforward', 'get pods/portforward'],
    severity: (g, a) => (priv(g, a) ? 'critical' : 'high'),
  },
  {
    name: 'modify-pods', rid: 'R13', base: 'high', title: 'Binding can modify running pods',
    why: 'update/patch on pods swaps an image; on pods/ephemeralcontainers it adds a (privileged) debug container.',
    remediation: 'Remove update/patch on pods and pods/ephemeralcontainers where not needed.',
    alternatives: [...verbsOn(['update', 'patch'], '', 'pods', 'ephemeralcontainers'), ...verbsOn(['update', 'patch'], '', 'pods')],
    what: ['update pods/ephemeralcontainers', 'patch pods/ephemeralcontainers', 'update pods', 'patch pods'],
    severity: () => 'high',
  },
  {
    name: 'nodes-proxy', rid: 'R14', base: 'critical', title: 'Binding grants nodes/proxy',
    why: 'nodes/proxy reaches the kubelet API: exec in every pod of the node, bypassing audit and admission; get is enough.',
    remediation: 'Remove nodes/proxy; monitoring should read metrics through nodes/metrics or the metrics API.', cis: ['5.1.10'],
    alternatives: verbsOn(['get', 'create'], '', 'nodes', 'proxy'), what: ['get nodes/proxy', 'create nodes/proxy'],
    severity: () => 'critical',
  },
  {
    name: 'create-pv', rid: 'R15', base: 'high', title: 'Binding can create PersistentVolumes',
    why: 'A hostPath PersistentVolume gives the pods that claim it the host file system.',
    remediation: 'Leave PV creation to provisioners; users should create PVCs.', cis: ['5.1.9'],
    alternatives: [[{ verb: 'create', apiGroup: '', resource: 'persistentvolumes' }]], what: ['create persistentvolumes'],
    severity: () => 'high',
  },
  {
    name: 'steal-pods', rid: 'R16', base: 'high', title: 'Binding can evict pods and steer scheduling',
    why: 'Deleting or evicting pods while cordoning other nodes pulls powerful pods onto a node the subject controls.',
    remediation: 'Do not combine pod deletion in privileged namespaces with node updates in one role.',
    alternatives: [
      [{ verb: 'delete', apiGroup: '', resource: 'pods' }, { verb: 'patch', apiGroup: '', resource: 'nodes' }],
      [{ verb: 'create', apiGroup: '', resource: 'pods', subresource: 'eviction' }, { verb: 'patch', apiGroup: '', resource: 'nodes' }],
    ],
    what: ['delete pods and patch nodes', 'evict pods and patch nodes'],
    severity: () => 'high',
  },
  {
    name: 'namespace-modify', rid: 'R17', base: 'medium', title: 'Binding can change Namespace labels',
    why: 'Patching a Namespace relaxes its Pod Security labels or NetworkPolicy selection; a RoleBinding grants this on its own Namespace.',
    remediation: 'Remove update/patch on namespaces from roles bound to namespace users.',
    alternatives: verbsOn(['patch', 'update'], '', 'namespaces').map(([p]) => [{ ...(p as Probe), name: '@namespace' }]), what: ['patch namespaces', 'update namespaces'],
    severity: () => 'medium',
  },
  {
    name: 'node-modify', rid: 'R18', base: 'medium', title: 'Binding can modify Nodes',
    why: 'Re-labelling and tainting nodes steers where pods run.',
    remediation: 'Limit node updates to the node lifecycle tooling.',
    alternatives: [...verbsOn(['update', 'patch'], '', 'nodes'), ...verbsOn(['update', 'patch'], '', 'nodes', 'status')], what: ['update nodes', 'patch nodes', 'update nodes/status', 'patch nodes/status'],
    severity: () => 'medium',
  },
  {
    name: 'pod-status', rid: 'R19', base: 'low', title: 'Binding can modify pod status',
    why: 'Writing pods/status can make a pod match service selectors and receive traffic.',
    remediation: 'Leave pods/status to kubelets and controllers.',
    alternatives: verbsOn(['update', 'patch'], '', 'pods', 'status'), what: ['update pods/status', 'patch pods/status'],
    severity: () => 'low',
  },
  {
    name: 'service-status', rid: 'R20', base: 'medium', title: 'Binding can modify service status',
    why: 'Writing services/status (loadBalancer IP) allows the CVE-2020-8554 man-in-the-middle.',
    remediation: 'Leave services/status to the cloud controller.',
    alternatives: verbsOn(['update', 'patch'], '', 'services', 'status'), what: ['update services/status', 'patch services/status'],
    severity: () => 'medium',
  },
  {
    name: 'rbac-management', rid: 'R21', base: 'medium', title: 'Binding can create role bindings',
    why: 'Creating bindings hands whatever the subject holds to any subject, system:unauthenticated included: persistence and exposure.',
    remediation: 'Keep binding management with the cluster operators or GitOps tooling.',
    alternatives: [...verbsOn(['create', 'update', 'patch'], RBAC, 'clusterrolebindings'), ...verbsOn(['create', 'update', 'patch'], RBAC, 'rolebindings')],
    what: ['create clusterrolebindings', 'update clusterrolebindings', 'patch clusterrolebindings', 'create rolebindings', 'update rolebindings', 'patch rolebindings'],
    severity: () => 'medium',
    unless: [[{ verb: 'bind', apiGroup: RBAC, resource: 'clusterroles' }], [{ verb: 'bind', apiGroup: RBAC, resource: 'roles' }], [{ verb: 'escalate', apiGroup: RBAC, resource: 'clusterroles' }]],
  },
  {
    name: 'wildcard-verb', rid: 'R23', base: 'critical', title: 'Binding grants every verb on a sensitive resource',
    why: 'A `*` verb covers the special verbs too (escalate, bind, impersonate) and every verb added later.',
    remediation: 'List the verbs the subject needs instead of `*`.',
    alternatives: [['', 'secrets'], ['', 'pods'], ...WORKLOADS, [RBAC, 'roles'], [RBAC, 'clusterroles'], [RBAC, 'rolebindings'], [RBAC, 'clusterrolebindings'], ['', 'users'], ['', 'groups'], ['', 'serviceaccounts']].map(([g, r]) => [{ verb: ANY, apiGroup: g as string, resource: r as string }]),
    what: ['secrets', 'pods', ...WORKLOADS.map(([, r]) => r), 'roles', 'clusterroles', 'rolebindings', 'clusterrolebindings', 'users', 'groups', 'serviceaccounts'].map((r) => `do anything to ${r}`),
    severity: (g) => (g.namespace ? 'high' : 'critical'),
  },
  {
    name: 'wildcard-resource', rid: 'R24', base: 'critical', title: 'Binding grants a verb on every resource',
    why: 'A `*` resource covers Secrets, every subresource and every type added later.',
    remediation: 'List the resources the subject needs instead of `*`.',
    alternatives: ['get', 'list', 'create', 'delete', 'deletecollection'].map((verb) => [{ verb, apiGroup: '', resource: ANY }]),
    what: ['get', 'list', 'create', 'delete', 'deletecollection'].map((v) => `${v} every resource`),
    severity: (g) => (g.namespace ? 'high' : 'critical'),
  },
  {
    name: 'aggregation-feed', rid: 'R25', base: 'high', title: 'Binding can update ClusterRoles',
    why: 'Whoever can update a ClusterRole labelled aggregate-to-admin/edit/view feeds its rules into admin, edit and view.',
    remediation: 'Remove update/patch on clusterroles, or restrict it by resourceNames to roles without aggregation labels.',
    alternatives: verbsOn(['update', 'patch'], RBAC, 'clusterroles'), what: ['update clusterroles', 'patch clusterroles'],
    severity: () => 'high',
    unless: [[{ verb: 'escalate', apiGroup: RBAC, resource: 'clusterroles' }]],
  },
  {
    name: 'kube-system-configmaps', rid: 'R29', base: 'medium', title: 'Binding can write ConfigMaps in kube-system',
    why: 'kube-system ConfigMaps hold identity mapping (EKS aws-auth) and cluster configuration (kubeadm-config, coredns).',
    remediation: 'Restrict kube-system ConfigMap writes to the components that own them, by resourceNames.',
    alternatives: verbsOn(['create', 'update', 'patch'], '', 'configmaps'), what: ['create configmaps', 'update configmaps', 'patch configmaps'],
    severity: (_g, _a, cp) => (cp.cluster?.managedBy === 'EKS' ? 'critical' : 'medium'),
  },
];

function grantCheck(r: GrantRisk): Check {
  return defineCheck({
    id: `rbac/risk-${r.name}`,
    practice: 'rbac',
    severity: r.base,
    cis: r.cis ?? [],
    title: r.title,
    why: `${r.why} (spec ${r.rid})`,
    remediation: r.remediation,
    references: [REFERENCE],
    reads: 'RBAC Roles, ClusterRoles and their bindings',
    appliesTo: (cp) => (cp.rbac?.length ?? 0) > 0,
    run(cp, report) {
      const a = rbacAnalysis(cp.rbac ?? []);
      // a binding that already grants everything (R1) is reported once, by R1
      const unless = r.rid === 'R1' ? [] : [WILDCARD_ADMIN, ...(r.unless ?? [])];
      const exempt = new Set(riskyGrants(a.index, unless).map((g) => g.binding));
      for (const g of riskyGrants(a.index, r.alternatives)) {
        if (exempt.has(g.binding)) continue;
        if (r.name === 'kube-system-configmaps' && g.namespace && g.namespace !== 'kube-system') continue;
        let severity = r.severity(g, a, cp);
        if (g.limited && r.name !== 'read-secrets' && r.name !== 'token-request') severity = lower(severity);
        if (isDefault(g.binding)) severity = 'info';
        const what = r.what[g.alternative] ?? r.what[0] ?? r.title;
        report({ component: 'rbac', host: 'cluster', severity, evidence: ruleEvidence(g.binding, g.hits[0]?.rule), detail: grantDetail(g, what) });
      }
    },
  });
}

/** Subjects anyone has, and the bindings to them that the bootstrap policy and kubeadm make on purpose. */
const EVERYONE: Record<string, Severity> = { [ANONYMOUS]: 'critical', [ALL_UNAUTHENTICATED]: 'critical', [ALL_AUTHENTICATED]: 'high' };
const BASELINE_ROLES = new Set(['system:public-info-viewer', 'system:discovery', 'system:basic-user', 'kubeadm:bootstrap-signer-clusterinfo', 'system:service-account-issuer-discovery']);

const everyoneBindings = defineCheck({
  id: 'rbac/risk-everyone-bindings',
  practice: 'rbac',
  severity: 'critical',
  cis: [],
  title: 'Binding grants permissions to anonymous or all authenticated users',
  why: 'Bindings to system:anonymous or system:unauthenticated open the permissions to anyone who can reach the API server; system:authenticated to anyone your identity provider accepts. (spec R22)',
  remediation: 'Bind the role to the groups that need it instead of everyone.',
  references: [REFERENCE],
  appliesTo: (cp) => (cp.rbac?.length ?? 0) > 0,
  run(cp, report) {
    const { index } = rbacAnalysis(cp.rbac ?? []);
    for (const b of [...index.policy.clusterRoleBindings, ...index.policy.roleBindings]) {
      if (BASELINE_ROLES.has(b.roleRef.name)) continue;
      const hits = b.subjects.filter((s) => (s.kind === 'Group' || s.kind === 'User') && EVERYONE[s.name] !== undefined);
      if (hits.length === 0) continue;
      const severity = hits.map((s) => EVERYONE[s.name] as Severity).sort((x, y) => SEVERITY_ORDER.indexOf(y) - SEVERITY_ORDER.indexOf(x))[0] as Severity;
      const { role } = resolveRoleRef(index, b);
      report({
        component: 'rbac', host: 'cluster', severity: isDefault(b) ? 'info' : severity, evidence: ruleEvidence(b, undefined),
        detail: `${describeObject(b)} binds ${b.roleRef.kind}/${b.roleRef.name}${role ? ` (${role.rules.length} rules)` : ''} to ${hits.map(describeSubject).join(', ')}`,
      });
    }
  },
});

const danglingRoleRef = defineCheck({
  id: 'rbac/risk-dangling-roleref',
  practice: 'rbac',
  severity: 'medium',
  cis: [],
  title: 'Binding refers to a role that does not exist',
  why: 'The binding grants nothing today, but whoever later creates a role of that name gives its rules to the subjects. (spec R26)',
  remediation: 'Delete the binding or create the intended role.',
  references: [REFERENCE],
  appliesTo: (cp) => (cp.rbac?.length ?? 0) > 0,
  run(cp, report) {
    const { index } = rbacAnalysis(cp.rbac ?? []);
    for (const b of [...index.policy.clusterRoleBindings, ...index.policy.roleBindings]) {
      const { error } = resolveRoleRef(index, b);
      if (error && bindingSubjects(b).length > 0) report({ component: 'rbac', host: 'cluster', evidence: ruleEvidence(b, undefined), detail: `${describeObject(b)}: ${error}` });
    }
  },
});

const nodeBindings = defineCheck({
  id: 'rbac/risk-node-bindings',
  practice: 'rbac',
  severity: 'high',
  cis: [],
  title: 'Nodes receive RBAC permissions beyond the Node authorizer',
  why: 'Binding system:node (or other roles) to group system:nodes or to system:node:<name> users undoes the Node authorizer\'s isolation: every kubelet can read every Secret its role allows. (spec R27)',
  remediation: 'Leave the bootstrap system:node binding without subjects and authorize kubelets with the Node authorizer and NodeRestriction.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/node/'],
  appliesTo: (cp) => (cp.rbac?.length ?? 0) > 0,
  run(cp, report) {
    const { index } = rbacAnalysis(cp.rbac ?? []);
    for (const b of [...index.policy.clusterRoleBindings, ...index.policy.roleBindings]) {
      const hits = b.subjects.filter((s) => (s.kind === 'Group' && s.name === 'system:nodes') || (s.kind === 'User' && s.name.startsWith('system:node:')));
      // bootstrap: system:node-proxier and certificate bootstrap roles are bound to nodes on purpose
      if (hits.length === 0 || (isDefault(b) && b.roleRef.name !== 'system:node')) continue;
      report({ component: 'rbac', host: 'cluster', evidence: ruleEvidence(b, undefined), detail: `${describeObject(b)} binds ${b.roleRef.kind}/${b.roleRef.name} to ${hits.map(describeSubject).join(', ')}` });
    }
  },
});

const CLOUD_IAM = ['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account', 'azure.workload.identity/client-id'];
const cloudIam = defineCheck({
  id: 'rbac/risk-cloud-iam-sa',
  practice: 'rbac',
  severity: 'low',
  cis: [],
  title: 'Service account is mapped to a cloud IAM identity',
  why: 'Whoever can run a pod as this service account (or mint its token) acts in the cloud account as the mapped role. (spec R28)',
  remediation: 'Check that the mapped cloud role is least-privilege and that only its workload can use the service account.',
  references: [REFERENCE],
  appliesTo: (cp) => (cp.rbac?.length ?? 0) > 0,
  run(cp, report) {
    const { index } = rbacAnalysis(cp.rbac ?? []);
    for (const sa of index.policy.serviceAccounts) {
      const key = CLOUD_IAM.find((k) => sa.annotations[k] !== undefined);
      if (!key) continue;
      report({
        component: 'rbac', host: 'cluster',
        evidence: { ...emptyEvidence(sourceKind(sa.at)), file: sa.at.file ?? null, line: sa.at.line ?? null, object: `${sa.namespace}/ServiceAccount/${sa.name}`, field: `metadata.annotations.${key}`, value: sa.annotations[key] ?? null },
        detail: `ServiceAccount ${sa.namespace}/${sa.name} maps to ${sa.annotations[key]}`,
      });
    }
  },
});

/** Every RBAC risk check; registered in src/checks/rbac/index.ts. */
export const rbacRiskChecks: Check[] = [...GRANT_RISKS.map(grantCheck), everyoneBindings, danglingRoleRef, nodeBindings, cloudIam];

