/**
 * The audit Policy kubeward recommends, as commented YAML. Rule order follows the upstream production
 * policy (cluster/gce/gci/configure-helper.sh create-master-audit-policy): drop known noise first, then
 * cap sensitive payloads at Metadata, then log security-relevant writes with bodies, then a Metadata
 * catch-all. The first matching rule decides (staging/src/k8s.io/apiserver/pkg/audit/policy/checker.go),
 * so every None rule is narrowed to system identities and read verbs: nothing a person or a workload
 * does can fall into it.
 *
 * The policy is evaluated against the *authenticated* user, before impersonation is applied
 * (endpoints/filters: WithAudit runs ahead of WithImpersonation), so impersonated requests are logged by
 * the rules of the caller and carry `impersonatedUser`; the `impersonate` check itself is not a request
 * and has no rule of its own.
 */
import { stringify } from 'yaml';

export const AUDIT_PROFILES = ['minimal', 'recommended', 'forensic'] as const;
export type AuditProfile = (typeof AUDIT_PROFILES)[number];

type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

interface GroupResources {
  group: string;
  resources?: string[];
}

export interface PolicyRule {
  level: Level;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
}

export interface ExplainedRule {
  why: string;
  rule: PolicyRule;
}

const READS = ['get', 'list', 'watch'];
const WRITES = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** The API groups of the upstream policy: requests to them get bodies; anything else (CRDs, aggregated APIs) stays at Metadata. */
const KNOWN_GROUPS = [
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'extensions',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
];

const noiseRules: ExplainedRule[] = [
  {
    why: 'Probes and version checks: thousands a minute from load balancers and kubelets, no security value.',
    rule: { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
  },
  {
    why: 'kube-proxy watching the objects it programs: constant, read-only.',
    rule: { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }, { group: 'discovery.k8s.io', resources: ['endpointslices'] }] },
  },
  {
    why: 'Kubelets reading their own Node: read-only heartbeat traffic (writes by nodes stay logged).',
    rule: { level: 'None', userGroups: ['system:nodes'], verbs: ['get'], resources: [{ group: '', resources: ['nodes', 'nodes/status'] }] },
  },
  {
    why: 'Leader election of the control-plane components: a get and an update of a Lease every few seconds.',
    rule: {
      level: 'None',
      users: ['system:kube-controller-manager', 'system:kube-scheduler', 'system:serviceaccount:kube-system:endpoint-controller'],
      verbs: ['get', 'update'],
      namespaces: ['kube-system'],
      resources: [{ group: '', resources: ['endpoints'] }, { group: 'coordination.k8s.io', resources: ['leases'] }],
    },
  },
  {
    why: 'The API server looking up namespaces for admission: read-only, internal.',
    rule: { level: 'None', users: ['system:apiserver'], verbs: ['get'], resources: [{ group: '', resources: ['namespaces', 'namespaces/status', 'namespaces/finalize'] }] },
  },
  {
    why: 'Event objects are written by every component all the time; reading and writing them is noise. Deleting them is how traces are erased, so delete and deletecollection fall through and stay logged.',
    rule: { level: 'None', verbs: ['create', 'update', 'patch', ...READS], resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
  },
];

const sensitiveRule: ExplainedRule = {
  why: 'Secrets, ConfigMaps, TokenRequests and TokenReviews: Metadata only, never bodies, so secret values and bearer tokens never reach the log; who read or minted what is still recorded (CIS 3.2.2).',
  rule: {
    level: 'Metadata',
    resources: [
      { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
      { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
    ],
  },
};

const interactiveRule: ExplainedRule = {
  why: 'exec, attach, port-forward and the proxy subresources: interactive access to workloads and kubelets. The stream itself is never in the request body, so Metadata records everything there is.',
  rule: {
    level: 'Metadata',
    resources: [
      { group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy'] },
    ],
  },
};

function privilegeRule(level: Level): ExplainedRule {
  return {
    why: 'Changes to RBAC, admission webhooks and certificate signing (approval included): privilege grants and the guards around them. The bodies show roleRef, subjects, rules and webhook failurePolicy, which detection needs.',
    rule: {
      level,
      verbs: WRITES,
      resources: [
        { group: 'rbac.authorization.k8s.io' },
        { group: 'admissionregistration.k8s.io' },
        { group: 'certificates.k8s.io' },
      ],
    },
  };
}

function workloadWritesRule(level: Level): ExplainedRule {
  return {
    why: 'Writes to the built-in API groups, pods and deployments included: the pod spec shows privileged containers, hostPath mounts and host namespaces.',
    rule: { level, verbs: WRITES, resources: KNOWN_GROUPS.map((group) => ({ group })) },
  };
}

const catchAll: ExplainedRule = {
  why: 'Everything else, including reads, custom resources and aggregated APIs: who did what to which object, without bodies. The last rule matches every request, so nothing new goes unlogged.',
  rule: { level: 'Metadata' },
};

/** Rules of a profile, in evaluation order. */
export function policyRules(profile: AuditProfile): ExplainedRule[] {
  switch (profile) {
    case 'minimal':
      // Bodies only where detection cannot do without them (RBAC and webhook changes, pod specs).
      return [...noiseRules, sensitiveRule, interactiveRule, privilegeRule('Request'), { why: 'Pod writes with the request body: privileged and hostPath pods are visible only there.', rule: { level: 'Request', verbs: ['create', 'update', 'patch'], resources: [{ group: '', resources: ['pods'] }] } }, catchAll];
    case 'recommended':
      return [...noiseRules, sensitiveRule, interactiveRule, privilegeRule('RequestResponse'), workloadWritesRule('Request'), catchAll];
    case 'forensic':
      // Every write with its resulting object: enough to replay what changed. Larger logs.
      return [...noiseRules, sensitiveRule, interactiveRule, privilegeRule('RequestResponse'), workloadWritesRule('RequestResponse'), catchAll];
  }
}

/** The Policy object (what the API server decodes). */
export function auditPolicy(profile: AuditProfile): Record<string, unknown> {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    // RequestReceived repeats ResponseComplete without the outcome and doubles the volume.
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules: policyRules(profile).map((r) => r.rule),
  };
}

function comment(text: string, indent: string): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + w.length + 1 > 96) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}# ${l}\n`).join('');
}

/** The policy as YAML with a comment above each rule saying why it is there. */
export function renderAuditPolicy(profile: AuditProfile): string {
  let out = `# Audit policy generated by kubeward (profile: ${profile}).\n`;
  out += comment('Rules are evaluated in order and the first match sets the level; a request no rule matches is not logged. Use with --audit-policy-file.', '');
  out += 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';
  out += comment('RequestReceived repeats ResponseComplete without the outcome and doubles the log volume.', '');
  out += 'omitStages:\n  - RequestReceived\n';
  out += comment('Kubernetes 1.23+: managedFields bloat logged bodies and say nothing about intent (older servers ignore the field).', '');
  out += 'omitManagedFields: true\nrules:\n';
  for (const r of policyRules(profile)) {
    out += comment(r.why, '  ');
    out += stringify([r.rule]).replace(/^(?=.)/gm, '  ');
  }
  return out;
}
