/**
 * Writes docs/checks.md from the check registry (`npm run docs`): every check with its practice,
 * severity, CIS ids and what it reads, and the coverage of the 83 in-scope kube-bench cis-1.12 ids
 * (shared/spec/checks.md §A.3/§A.4). renderChecksDoc is pure so a test can compare the committed
 * file with what the registry says now.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Check } from '../src/checks/registry.js';
import { PRACTICES, SEVERITIES } from '../src/model/finding.js';

type Tag = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

interface CisItem {
  id: string;
  tag: Tag;
  /** the kube-bench item, in short */
  item: string;
  /** why kubeward has no check for it, shown when no registered check names the id */
  uncovered?: string;
}

const TAGS: Record<Tag, string> = {
  P1: 'TLS everywhere',
  P2: 'RBAC, no ABAC, audit',
  P3: 'Authentication',
  P4: 'etcd separated',
  P5: 'Key and certificate rotation',
};

const RBAC_ENGINE = 'RBAC analysis over the cluster\'s Role/Binding objects: `kubeward rbac risks` (RBAC engine, risky grants R1–R29); not a node-configuration check';
const WORKLOADS = 'needs ServiceAccount and Pod objects (automountServiceAccountToken), which the control-plane model does not carry: a workload-hygiene item outside the five practices\' configuration';
const TLS_PENDING = 'TLS practice (src/checks/tls): no check registered for it yet';

/** The 83 kube-bench cis-1.12 checks that belong to the five practices (checks.md §A.3, counted in §A.4). */
export const IN_SCOPE: readonly CisItem[] = [
  // P1: TLS everywhere (36)
  { id: '1.2.4', tag: 'P1', item: 'apiserver --kubelet-client-certificate/--kubelet-client-key', uncovered: TLS_PENDING },
  { id: '1.2.5', tag: 'P1', item: 'apiserver --kubelet-certificate-authority', uncovered: TLS_PENDING },
  { id: '1.2.23', tag: 'P1', item: 'apiserver --etcd-certfile/--etcd-keyfile', uncovered: TLS_PENDING },
  { id: '1.2.24', tag: 'P1', item: 'apiserver --tls-cert-file/--tls-private-key-file', uncovered: TLS_PENDING },
  { id: '1.2.25', tag: 'P1', item: 'apiserver --client-ca-file', uncovered: TLS_PENDING },
  { id: '1.2.26', tag: 'P1', item: 'apiserver --etcd-cafile', uncovered: TLS_PENDING },
  { id: '1.2.29', tag: 'P1', item: 'apiserver --tls-cipher-suites', uncovered: TLS_PENDING },
  { id: '1.3.5', tag: 'P1', item: 'controller-manager --root-ca-file', uncovered: TLS_PENDING },
  { id: '2.1', tag: 'P1', item: 'etcd --cert-file/--key-file', uncovered: TLS_PENDING },
  { id: '2.3', tag: 'P1', item: 'etcd --auto-tls off', uncovered: TLS_PENDING },
  { id: '2.4', tag: 'P1', item: 'etcd --peer-cert-file/--peer-key-file', uncovered: TLS_PENDING },
  { id: '2.5', tag: 'P1', item: 'etcd --peer-client-cert-auth', uncovered: TLS_PENDING },
  { id: '2.6', tag: 'P1', item: 'etcd --peer-auto-tls off', uncovered: TLS_PENDING },
  { id: '4.2.1', tag: 'P1', item: 'kubelet anonymous auth off', uncovered: TLS_PENDING },
  { id: '4.2.3', tag: 'P1', item: 'kubelet client CA', uncovered: TLS_PENDING },
  { id: '4.2.4', tag: 'P1', item: 'kubelet read-only port 0', uncovered: TLS_PENDING },
  { id: '4.2.9', tag: 'P1', item: 'kubelet serving certificate', uncovered: TLS_PENDING },
  { id: '4.2.12', tag: 'P1', item: 'kubelet --tls-cipher-suites', uncovered: TLS_PENDING },
  { id: '1.1.9', tag: 'P1', item: 'CNI file permissions', uncovered: TLS_PENDING },
  { id: '1.1.10', tag: 'P1', item: 'CNI file ownership', uncovered: TLS_PENDING },
  { id: '1.1.15', tag: 'P1', item: 'scheduler kubeconfig permissions', uncovered: TLS_PENDING },
  { id: '1.1.16', tag: 'P1', item: 'scheduler kubeconfig ownership', uncovered: TLS_PENDING },
  { id: '1.1.17', tag: 'P1', item: 'controller-manager kubeconfig permissions', uncovered: TLS_PENDING },
  { id: '1.1.18', tag: 'P1', item: 'controller-manager kubeconfig ownership', uncovered: TLS_PENDING },
  { id: '1.1.19', tag: 'P1', item: 'PKI directory ownership', uncovered: TLS_PENDING },
  { id: '1.1.20', tag: 'P1', item: 'PKI certificate permissions', uncovered: TLS_PENDING },
  { id: '1.1.21', tag: 'P1', item: 'PKI key permissions', uncovered: TLS_PENDING },
  { id: '1.3.7', tag: 'P1', item: 'controller-manager --bind-address', uncovered: TLS_PENDING },
  { id: '1.4.2', tag: 'P1', item: 'scheduler --bind-address', uncovered: TLS_PENDING },
  { id: '4.1.5', tag: 'P1', item: 'kubelet kubeconfig permissions', uncovered: TLS_PENDING },
  { id: '4.1.6', tag: 'P1', item: 'kubelet kubeconfig ownership', uncovered: TLS_PENDING },
  { id: '4.1.7', tag: 'P1', item: 'kubelet client CA file permissions', uncovered: TLS_PENDING },
  { id: '4.1.8', tag: 'P1', item: 'kubelet client CA file ownership', uncovered: TLS_PENDING },
  { id: '4.1.9', tag: 'P1', item: 'kubelet config file permissions', uncovered: TLS_PENDING },
  { id: '4.1.10', tag: 'P1', item: 'kubelet config file ownership', uncovered: TLS_PENDING },
  { id: '4.2.7', tag: 'P1', item: 'kubelet --hostname-override absent', uncovered: TLS_PENDING },
  // P2: RBAC, no ABAC, audit (27)
  { id: '1.2.6', tag: 'P2', item: 'apiserver authorization mode not AlwaysAllow' },
  { id: '1.2.7', tag: 'P2', item: 'apiserver authorization mode includes Node' },
  { id: '1.2.8', tag: 'P2', item: 'apiserver authorization mode includes RBAC' },
  { id: '1.2.14', tag: 'P2', item: 'NodeRestriction admission plugin' },
  { id: '1.2.16', tag: 'P2', item: 'apiserver --audit-log-path' },
  { id: '1.2.17', tag: 'P2', item: 'apiserver --audit-log-maxage ≥ 30' },
  { id: '1.2.18', tag: 'P2', item: 'apiserver --audit-log-maxbackup ≥ 10' },
  { id: '1.2.19', tag: 'P2', item: 'apiserver --audit-log-maxsize ≥ 100' },
  { id: '1.3.3', tag: 'P2', item: 'controller-manager --use-service-account-credentials' },
  { id: '3.2.1', tag: 'P2', item: 'apiserver --audit-policy-file' },
  { id: '3.2.2', tag: 'P2', item: 'audit policy covers key security concerns (manual in kube-bench)' },
  { id: '4.2.2', tag: 'P2', item: 'kubelet authorization mode not AlwaysAllow' },
  { id: '5.1.1', tag: 'P2', item: 'cluster-admin only where required', uncovered: RBAC_ENGINE },
  { id: '5.1.2', tag: 'P2', item: 'minimize access to secrets', uncovered: RBAC_ENGINE },
  { id: '5.1.3', tag: 'P2', item: 'minimize wildcards in Roles', uncovered: RBAC_ENGINE },
  { id: '5.1.4', tag: 'P2', item: 'minimize access to create pods', uncovered: `${RBAC_ENGINE}; \`kubeward rbac who-can create pods\` answers it` },
  { id: '5.1.5', tag: 'P2', item: 'default service accounts not used', uncovered: WORKLOADS },
  { id: '5.1.6', tag: 'P2', item: 'service-account tokens mounted only where needed', uncovered: WORKLOADS },
  { id: '5.1.7', tag: 'P2', item: 'avoid system:masters', uncovered: RBAC_ENGINE },
  { id: '5.1.8', tag: 'P2', item: 'limit bind, impersonate, escalate', uncovered: RBAC_ENGINE },
  { id: '5.1.9', tag: 'P2', item: 'minimize create persistentvolumes', uncovered: RBAC_ENGINE },
  { id: '5.1.10', tag: 'P2', item: 'minimize nodes/proxy', uncovered: RBAC_ENGINE },
  { id: '5.1.11', tag: 'P2', item: 'minimize CSR approval', uncovered: RBAC_ENGINE },
  { id: '5.1.12', tag: 'P2', item: 'minimize webhook configuration access', uncovered: RBAC_ENGINE },
  { id: '5.1.13', tag: 'P2', item: 'minimize serviceaccounts/token create', uncovered: RBAC_ENGINE },
  { id: '1.1.13', tag: 'P2', item: 'admin kubeconfig permissions' },
  { id: '1.1.14', tag: 'P2', item: 'admin kubeconfig ownership' },
  // P3: authentication (7)
  { id: '1.2.1', tag: 'P3', item: 'apiserver --anonymous-auth=false' },
  { id: '1.2.2', tag: 'P3', item: 'apiserver --token-auth-file absent' },
  { id: '1.2.21', tag: 'P3', item: 'apiserver --service-account-lookup' },
  { id: '1.2.30', tag: 'P3', item: 'apiserver --service-account-extend-token-expiration=false' },
  { id: '3.1.1', tag: 'P3', item: 'no client certificate authentication for users (manual in kube-bench)' },
  {
    id: '3.1.2',
    tag: 'P3',
    item: 'no service-account tokens for users (manual)',
    uncovered: 'manual: configuration cannot tell whether a person uses a service-account token; audit logs can (service-account users with interactive user agents), which is `kubeward audit detect`, not a scan check',
  },
  { id: '3.1.3', tag: 'P3', item: 'no bootstrap tokens for users (manual in kube-bench)' },
  // P4: etcd separated (6)
  { id: '2.2', tag: 'P4', item: 'etcd --client-cert-auth' },
  { id: '2.7', tag: 'P4', item: 'etcd unique CA' },
  { id: '1.1.7', tag: 'P4', item: 'etcd manifest permissions' },
  { id: '1.1.8', tag: 'P4', item: 'etcd manifest ownership' },
  { id: '1.1.11', tag: 'P4', item: 'etcd data directory permissions' },
  { id: '1.1.12', tag: 'P4', item: 'etcd data directory ownership' },
  // P5: rotation (7)
  { id: '1.2.22', tag: 'P5', item: 'apiserver --service-account-key-file' },
  { id: '1.2.27', tag: 'P5', item: 'apiserver --encryption-provider-config' },
  { id: '1.2.28', tag: 'P5', item: 'encryption providers configured' },
  { id: '1.3.4', tag: 'P5', item: 'controller-manager --service-account-private-key-file' },
  { id: '1.3.6', tag: 'P5', item: 'controller-manager RotateKubeletServerCertificate' },
  { id: '4.2.10', tag: 'P5', item: 'kubelet rotateCertificates', uncovered: TLS_PENDING },
  { id: '4.2.11', tag: 'P5', item: 'kubelet RotateKubeletServerCertificate' },
];

/** Markdown table cell: no pipes or line breaks. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function byCisId(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

export function renderChecksDoc(checks: readonly Check[]): string {
  const out: string[] = [];
  out.push('# kubeward checks', '');
  out.push('<!-- Generated by `npm run docs` (scripts/gen-docs.ts) from the check registry. Do not edit by hand. -->', '');
  const counts = PRACTICES.map((p) => `${p} ${checks.filter((c) => c.practice === p).length}`).join(', ');
  out.push(`${checks.length} checks (${counts}). Severities are the default of each check; a finding may be raised or lowered for one occurrence (its \`detail\` says why). CIS ids are CIS Kubernetes Benchmark v1.12 numbering.`, '');
  for (const practice of PRACTICES) {
    const list = checks.filter((c) => c.practice === practice).sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id));
    if (list.length === 0) continue;
    out.push(`## ${practice}`, '', '| id | severity | CIS | title | reads |', '|---|---|---|---|---|');
    for (const c of list) out.push(`| \`${c.id}\` | ${c.severity} | ${c.cis.join(', ') || '—'} | ${cell(c.title)} | ${cell(c.reads ?? '—')} |`);
    out.push('');
  }
  const coveredBy = (id: string) => checks.filter((c) => c.cis.includes(id)).map((c) => `\`${c.id}\``);
  const covered = IN_SCOPE.filter((i) => coveredBy(i.id).length > 0).length;
  out.push('## CIS coverage', '');
  out.push(`The ${IN_SCOPE.length} kube-bench cis-1.12 checks that belong to the five control-plane practices: **${covered} of ${IN_SCOPE.length} covered** by a kubeward check; each of the others says why not.`, '');
  for (const tag of Object.keys(TAGS) as Tag[]) {
    const items = IN_SCOPE.filter((i) => i.tag === tag);
    out.push(`### ${tag} — ${TAGS[tag]} (${items.filter((i) => coveredBy(i.id).length > 0).length} of ${items.length})`, '', '| CIS | kube-bench item | covered by |', '|---|---|---|');
    for (const i of [...items].sort((a, b) => byCisId(a.id, b.id))) {
      const by = coveredBy(i.id);
      out.push(`| ${i.id} | ${cell(i.item)} | ${by.length ? by.join(', ') : `not covered: ${cell(i.uncovered ?? 'no check registered for it')}`} |`);
    }
    out.push('');
  }
  const scope = new Set(IN_SCOPE.map((i) => i.id));
  const beyond = [...new Set(checks.flatMap((c) => c.cis))].filter((id) => !scope.has(id)).sort(byCisId);
  if (beyond.length) out.push(`CIS ids outside the 83 that checks also report: ${beyond.join(', ')}.`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

export const DOC_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'checks.md');

async function main(): Promise<void> {
  const { allChecks } = await import('../src/checks/index.js');
  const text = renderChecksDoc(allChecks);
  mkdirSync(dirname(DOC_PATH), { recursive: true });
  const tmp = `${DOC_PATH}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, DOC_PATH);
  process.stderr.write(`wrote ${DOC_PATH}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
