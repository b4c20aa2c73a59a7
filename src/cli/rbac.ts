/**
 * `kubeward rbac`: can-i, who-can, matrix, risks, paths. Defines the commands only; the engine
 * (src/rbac) is imported inside each action.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { RbacIndex } from '../rbac/authorizer.js';
import type { RbacObject } from '../model/control-plane.js';
import { EXIT_FINDINGS, InputError, UsageError } from './errors.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface SourceFlags {
  rbac: string[];
  snapshot?: string[];
  kubeconfig?: string;
  context?: string;
  objectNamespace?: string;
  verbose?: boolean;
}

/** RBAC objects from snapshots (`kubeward collect`) and a live cluster, read by the shared sources. */
async function rbacFromSources(o: SourceFlags): Promise<RbacObject[]> {
  const out: RbacObject[] = [];
  for (const dir of o.snapshot ?? []) {
    const { readSnapshot } = await import('../sources/snapshot.js');
    let rbac: RbacObject[] | undefined;
    try {
      rbac = (await readSnapshot(dir)).rbac;
    } catch (e) {
      throw new InputError(`snapshot ${dir}: ${(e as Error).message}`);
    }
    if (!rbac) throw new InputError(`snapshot ${dir} holds no RBAC objects (collect it with --kubeconfig)`);
    out.push(...rbac);
  }
  if (o.kubeconfig !== undefined || o.context !== undefined) {
    const { readLiveCluster } = await import('../sources/live.js');
    const live: { kubeconfig?: string; context?: string } = {};
    if (o.kubeconfig !== undefined) live.kubeconfig = o.kubeconfig;
    if (o.context !== undefined) live.context = o.context;
    const cp = await readLiveCluster(live);
    if (!cp.rbac) throw new InputError(`${o.kubeconfig ?? 'the current context'}: could not read RBAC objects from the cluster`);
    out.push(...cp.rbac);
  }
  return out;
}

/** Reads --rbac paths, snapshots and a live cluster into an index; loader warnings go to stderr with --verbose. */
async function loadIndex(o: SourceFlags): Promise<{ index: RbacIndex; objects: RbacObject[] }> {
  if (o.rbac.length === 0 && (o.snapshot ?? []).length === 0 && o.kubeconfig === undefined && o.context === undefined) {
    throw new UsageError('no RBAC to read: give --rbac PATH (a YAML/JSON file or a folder), --snapshot DIR or --kubeconfig FILE');
  }
  const { readRbacFiles, loadRbacFromObjects, RbacInputError } = await import('../rbac/load.js');
  const { buildIndex } = await import('../rbac/authorizer.js');
  try {
    const opts = o.objectNamespace !== undefined ? { defaultNamespace: o.objectNamespace } : {};
    const objects = [...(await readRbacFiles(o.rbac)), ...(await rbacFromSources(o))];
    const policy = loadRbacFromObjects(objects, opts);
    if (o.verbose) for (const w of policy.warnings) process.stderr.write(`kubeward: ${w}\n`);
    return { index: buildIndex(policy), objects };
  } catch (e) {
    if (e instanceof RbacInputError) throw new InputError(e.message);
    throw e;
  }
}

/** A command with the RBAC inputs every rbac subcommand takes. */
function rbacCommand(name: string, description: string) {
  return new Command(name)
    .description(description)
    .option('--rbac <path>', 'RBAC objects: a YAML/JSON file or a folder (multi-document, List kinds; repeatable)', collect, [] as string[])
    .option('--snapshot <dir>', 'RBAC objects of a snapshot written by `kubeward collect --kubeconfig` (repeatable)', collect, [] as string[])
    .option('--kubeconfig <file>', 'read RBAC objects from a live cluster')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--object-namespace <ns>', 'namespace for Roles/RoleBindings/ServiceAccounts that have none (kubectl apply would use the context namespace)', 'default')
    .option('--verbose', 'print loader warnings (defaulted namespaces, duplicate names) on stderr');
}

async function target(verb: string, what: string, o: { subresource?: string; namespace?: string; allNamespaces?: boolean; raw?: boolean }) {
  const { parseTarget, TargetError } = await import('../rbac/request.js');
  try {
    const input: Parameters<typeof parseTarget>[0] = { verb, target: what };
    if (o.subresource !== undefined) input.subresource = o.subresource;
    if (o.namespace !== undefined) input.namespace = o.namespace;
    if (o.allNamespaces) input.allNamespaces = true;
    if (o.raw) input.raw = true;
    return parseTarget(input);
  } catch (e) {
    if (e instanceof TargetError) throw new UsageError(e.message);
    throw e;
  }
}

function registerCanI(rbac: Command): void {
  const cmd = rbacCommand('can-i', 'Check whether an action is allowed, like kubectl auth can-i (yes: exit 0, no: exit 1)')
    .argument('<verb>', "a Kubernetes API verb: get, list, watch, create, update, patch, delete, deletecollection, use, bind, impersonate, escalate, '*'")
    .argument('<target>', 'TYPE[.GROUP][/NAME] (short names resolve: po, deploy, ...) or a non-resource /URL')
    .option('--subresource <sub>', 'subresource such as log, exec, scale, status')
    .option('-n, --namespace <ns>', 'namespace of the request (default: "default", like kubectl without a context namespace)')
    .option('-A, --all-namespaces', 'ask for all namespaces (namespace "")')
    .requiredOption('--as <user>', 'user to ask for (system:serviceaccount:NS:NAME for a service account)')
    .option('--as-group <group>', 'group of the user (repeatable); system:authenticated is added as the API server does', collect, [] as string[])
    .option('--raw', 'ask the exact authorizer question: type, group and namespace as typed, groups exactly as given')
    .option('-q, --quiet', 'print nothing; only the exit code tells')
    .option('--explain', 'say which binding, role and rule decided (or why nothing did)');
  cmd.action(async (verb, what, o) => {
    const t = await target(verb, what, o);
    const { index } = await loadIndex(o);
    const { authorize } = await import('../rbac/authorizer.js');
    const { impersonatedUser } = await import('../rbac/identity.js');
    const user = o.raw ? { name: o.as, groups: o.asGroup } : impersonatedUser(o.as, o.asGroup);
    if (!o.quiet) for (const w of t.warnings) process.stderr.write(`Warning: ${w}\n`);
    const d = authorize(index, user, t.attributes);
    if (!o.quiet) {
      const lines = [d.allowed ? 'yes' : d.errors.length ? `no - RBAC: ${d.errors.join(', ')}` : 'no'];
      if (o.explain) {
        const { explainDecision } = await import('../rbac/explain.js');
        lines.push(...explainDecision(index, user, t.attributes, d));
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (!d.allowed) process.exitCode = EXIT_FINDINGS;
  });
  rbac.addCommand(cmd);
}

function registerWhoCan(rbac: Command): void {
  const cmd = rbacCommand('who-can', 'List the subjects allowed to do an action, each with the binding, role and rule that allow it')
    .argument('<verb>', 'a Kubernetes API verb')
    .argument('<target>', 'TYPE[.GROUP][/NAME] or a non-resource /URL')
    .option('--subresource <sub>', 'subresource such as log, exec, scale, status')
    .option('-n, --namespace <ns>', 'namespace of the request (default: "default" for namespaced types, cluster scope otherwise)')
    .option('-A, --all-namespaces', 'RoleBindings of every namespace too (each for its own namespace)')
    .option('--raw', 'type and group exactly as typed')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const));
  cmd.action(async (verb, what, o) => {
    const t = await target(verb, what, { ...o, allNamespaces: false });
    const a = t.attributes;
    // cluster-scoped types and URLs are asked cluster-wide unless -n was given
    if (a.resourceRequest && o.namespace === undefined && (o.allNamespaces || (t.known && !t.known.namespaced))) a.namespace = '';
    for (const w of t.warnings) if (!(o.namespace === undefined && w.includes('not namespace scoped'))) process.stderr.write(`Warning: ${w}\n`);
    const { index } = await loadIndex(o);
    const { whoCan } = await import('../rbac/who-can.js');
    const r = whoCan(index, a, { allNamespaces: Boolean(o.allNamespaces) && (t.known?.namespaced ?? true) });
    if (o.format === 'json') {
      const { describeLocation } = await import('../rbac/types.js');
      const json = {
        request: a,
        privilegedGroups: r.privilegedGroups,
        subjects: r.entries.map((e) => ({
          subject: e.subject,
          binding: { kind: e.binding.kind, namespace: e.binding.namespace, name: e.binding.name, at: describeLocation(e.binding.at) },
          role: { kind: e.role.kind, namespace: e.role.namespace, name: e.role.name },
          ruleIndex: e.ruleIndex,
          rule: { verbs: e.rule.verbs, apiGroups: e.rule.apiGroups, resources: e.rule.resources, resourceNames: e.rule.resourceNames, nonResourceURLs: e.rule.nonResourceURLs, at: describeLocation(e.rule.at), aggregatedFrom: e.rule.aggregatedFrom ?? null },
        })),
        danglingBindings: r.danglingBindings.map((d) => ({ kind: d.binding.kind, namespace: d.binding.namespace, name: d.binding.name, roleRef: d.binding.roleRef, error: d.error })),
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    const { formatWhoCan } = await import('../rbac/explain.js');
    process.stdout.write(`${formatWhoCan(r, a).join('\n')}\n`);
  });
  rbac.addCommand(cmd);
}

function registerMatrix(rbac: Command): void {
  const cmd = rbacCommand('matrix', 'What one user may do: a resource × verb table (rakkess-style)')
    .requiredOption('--as <user>', 'user (system:serviceaccount:NS:NAME for a service account)')
    .option('--as-group <group>', 'group of the user (repeatable); system:authenticated is added as the API server does', collect, [] as string[])
    .option('-n, --namespace <ns>', 'namespaced resources in this namespace (default: every resource, cluster-wide)')
    .option('--verbs <list>', 'comma-separated verbs (default get,list,watch,create,update,patch,delete,deletecollection)')
    .option('--subresources', 'one row per known subresource too (pods/exec, nodes/proxy, ...)')
    .option('--only-allowed', 'hide rows where nothing is allowed')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const));
  cmd.action(async (o) => {
    const { index } = await loadIndex(o);
    const { accessMatrix } = await import('../rbac/matrix.js');
    const { impersonatedUser } = await import('../rbac/identity.js');
    const opts: Parameters<typeof accessMatrix>[3] = { subresources: Boolean(o.subresources) };
    if (o.verbs !== undefined) opts.verbs = o.verbs.split(',').filter(Boolean);
    const m = accessMatrix(index, impersonatedUser(o.as, o.asGroup), o.namespace ?? '', opts);
    if (o.onlyAllowed) m.rows = m.rows.filter((r) => Object.values(r.verbs).some(Boolean));
    if (o.format === 'json') {
      process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
      return;
    }
    const { default: Table } = await import('cli-table3');
    const table = new Table({
      head: ['NAME', ...m.verbs.map((v) => v.toUpperCase())],
      style: { head: [], border: [] },
      // one line per resource, no rule between rows
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    for (const r of m.rows) table.push([r.resource, ...m.verbs.map((v) => (r.verbs[v] ? '✔' : '✖'))]);
    process.stdout.write(`${m.user.name} ${m.namespace ? `in namespace "${m.namespace}"` : 'cluster-wide'}:\n${table.toString()}\n`);
  });
  rbac.addCommand(cmd);
}

function registerRisks(rbac: Command): void {
  const cmd = rbacCommand('risks', 'Risky grants (R1–R29: wildcards, escalate, bind, impersonate, secrets, token requests, exec, nodes/proxy, ...) as findings')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'junit'] as const).default('text' as const))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['critical', 'high', 'medium', 'low', 'info'] as const).default('high' as const));
  cmd.action(async (o) => {
    const { objects } = await loadIndex(o);
    const { rbacRiskChecks } = await import('../rbac/risk-checks.js');
    const { scanControlPlane } = await import('../scan.js');
    const { render } = await import('../report/index.js');
    const cp = { hosts: [], problems: [], partial: [], rbac: objects };
    const result = scanControlPlane(cp, { failOn: o.failOn, checks: rbacRiskChecks });
    result.target = [...o.rbac, ...(o.snapshot ?? []), ...(o.kubeconfig !== undefined ? [o.kubeconfig] : [])].join(', ');
    process.stdout.write(render(result, o.format, { color: process.stdout.isTTY && !process.env.NO_COLOR, rules: rbacRiskChecks }));
    if (result.summary.failed) process.exitCode = EXIT_FINDINGS;
  });
  rbac.addCommand(cmd);
}

function registerPaths(rbac: Command): void {
  const cmd = rbacCommand('paths', 'Privilege-escalation paths: who can become cluster-admin, through which identities, with the evidence of each hop')
    .addOption(new Option('--to <target>', 'what to reach').choices(['cluster-admin'] as const).default('cluster-admin' as const))
    .option('--from <subject>', 'only from this subject: User:NAME, Group:NAME, ServiceAccount:NS:NAME or system:serviceaccount:NS:NAME')
    .option('--max-hops <n>', 'longest path to look for', '6')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const));
  cmd.action(async (o) => {
    const { escalationPaths, formatPath, parseIdentity, describeIdentity } = await import('../rbac/paths.js');
    const from = o.from === undefined ? undefined : parseIdentity(o.from);
    if (o.from !== undefined && !from) throw new UsageError(`--from ${o.from}: expected User:NAME, Group:NAME, ServiceAccount:NS:NAME or system:serviceaccount:NS:NAME`);
    const maxHops = Number(o.maxHops);
    if (!Number.isInteger(maxHops) || maxHops < 1) throw new UsageError(`--max-hops ${o.maxHops}: expected a positive whole number`);
    const { index } = await loadIndex(o);
    const paths = escalationPaths(index, from ? { from, maxHops } : { maxHops });
    if (o.format === 'json') {
      const { describeLocation } = await import('../rbac/types.js');
      const evidence = (d: import('../rbac/authorizer.js').Decision) =>
        d.grant ? { binding: `${d.grant.binding.kind}/${d.grant.binding.namespace ? `${d.grant.binding.namespace}/` : ''}${d.grant.binding.name}`, role: d.grant.role ? `${d.grant.role.kind}/${d.grant.role.name}` : null, ruleIndex: d.ruleIndex ?? null, at: d.rule ? describeLocation(d.rule.at) : null } : { by: d.by ?? null };
      const json = paths.map((p) => ({
        from: describeIdentity(p.start),
        to: o.to,
        hops: p.hops.map((h) => ({ from: describeIdentity(h.from), to: describeIdentity(h.to), how: h.how, evidence: evidence(h.decision) })),
        admin: { identity: describeIdentity(p.admin.identity), evidence: evidence(p.admin.decision) },
      }));
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      const out = paths.flatMap((p) => [...formatPath(p), '']);
      process.stdout.write(paths.length ? out.join('\n') : `no escalation path to ${o.to} found${from ? ` from ${describeIdentity(from)}` : ''}\n`);
    }
    if (paths.length) process.exitCode = EXIT_FINDINGS;
  });
  rbac.addCommand(cmd);
}

interface AuditFlags {
  auditLog: string[];
  user: string[];
  serviceaccount: string[];
  subject: string[];
  stages: string;
}

/** The subject flags as usernames and globs; `required` makes at least one mandatory. */
function subjectFlags(o: AuditFlags, required: boolean): { names: string[]; globs: string[] } {
  const names = [...o.user];
  for (const sa of o.serviceaccount) {
    const parts = sa.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`--serviceaccount ${JSON.stringify(sa)}: expected NAMESPACE:NAME`);
    names.push(`system:serviceaccount:${parts[0]}:${parts[1]}`);
  }
  if (required && names.length === 0 && o.subject.length === 0) throw new UsageError('give the subject(s): --user NAME, --serviceaccount NS:NAME or --subject GLOB (each repeatable)');
  return { names, globs: o.subject };
}

/** Reads the audit logs once into usage per matching subject; problems go to stderr with file:line. */
async function readUsage(o: AuditFlags, matches: (u: string) => boolean, prefilter: string[]) {
  if (o.auditLog.length === 0) throw new UsageError('no audit log to read: give --audit-log FILE (repeatable; "-" for stdin; .gz is detected)');
  const { access } = await import('node:fs/promises');
  for (const f of o.auditLog) if (f !== '-') await access(f).catch(() => Promise.reject(new InputError(`${f}: cannot read the audit log (no such file or no permission)`)));
  const { readAuditBatches, emptyReadStats } = await import('../audit/read.js');
  const { collectUsage } = await import('../rbac/generate.js');
  const stats = emptyReadStats();
  const MAX_SHOWN = 20;
  // a line that does not contain any selected username cannot be one of their events
  const contains = prefilter.map((u) => JSON.stringify(u).slice(1, -1));
  const { totalBytes, withProgress } = await import('./progress.js');
  const total = await totalBytes(o.auditLog);
  const usage = await withProgress(
    'reading audit logs',
    () => ({ done: stats.bytes, total }),
    (bar) => {
      const onProblem = (p: { file: string; line: number; message: string }): void => {
        if (stats.problems <= MAX_SHOWN) bar.print(`kubeward: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}; skipped`);
      };
      return collectUsage(readAuditBatches(o.auditLog, { onProblem, stats, contains }), matches, { stages: o.stages.split(',').filter(Boolean) });
    },
    { unit: 'bytes' },
  );
  if (stats.problems > MAX_SHOWN) process.stderr.write(`kubeward: ${stats.problems - MAX_SHOWN} more unreadable lines skipped\n`);
  if (stats.events === 0 && stats.problems > 0) throw new InputError(`${o.auditLog.join(', ')}: no readable audit events (${stats.problems} problems)`);
  return { usage, stats };
}

/** RBAC already in place: --existing/--rbac files, or the live cluster of --kubeconfig. */
async function existingObjects(paths: string[], kubeconfig: string | undefined, context: string | undefined): Promise<RbacObject[]> {
  if (kubeconfig !== undefined) {
    const { readLiveCluster } = await import('../sources/live.js');
    const cp = await readLiveCluster(context !== undefined ? { kubeconfig, context } : { kubeconfig });
    for (const p of cp.problems) process.stderr.write(`kubeward: ${JSON.stringify(p)}\n`);
    if (!cp.rbac) throw new InputError(`${kubeconfig}: could not read RBAC objects from the cluster`);
    return cp.rbac;
  }
  if (paths.length === 0) return [];
  const { readRbacFiles, RbacInputError } = await import('../rbac/load.js');
  try {
    return await readRbacFiles(paths);
  } catch (e) {
    if (e instanceof RbacInputError) throw new InputError(e.message);
    throw e;
  }
}

function auditCommand(name: string, description: string) {
  return new Command(name)
    .description(description)
    .option('--audit-log <file>', 'audit log: JSON lines, EventList/List/array, EKS/AKS/GKE exports, gzip; "-" for stdin (repeatable)', collect, [] as string[])
    .option('--user <name>', 'a username, exactly as the audit events show it (repeatable)', collect, [] as string[])
    .option('--serviceaccount <ns:name>', 'a service account (repeatable)', collect, [] as string[])
    .option('--subject <glob>', 'usernames matching this pattern, * for any text, e.g. "system:serviceaccount:ci:*" (repeatable)', collect, [] as string[])
    .option('--stages <list>', 'audit stages to learn from (events without a stage are always used)', 'ResponseComplete,ResponseStarted')
    .option('--kubeconfig <file>', 'read the existing RBAC from this live cluster')
    .option('--context <name>', 'kubeconfig context');
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const { rename, writeFile } = await import('node:fs/promises');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

function registerGenerate(rbac: Command): void {
  const cmd = auditCommand('generate', 'Least-privilege Roles/ClusterRoles and bindings from what subjects did in audit logs (audit2rbac done right)')
    .option('--existing <path>', 'RBAC already granted (file or folder; repeatable): requests it allows are not generated', collect, [] as string[])
    .option('--include-denied', 'also grant requests the authorizer denied (403)')
    .option('--expand-verbs', 'add the verbs clients usually need next (list/watch → get,list,watch; update/patch → get,patch,update)')
    .option('--expand-namespaces', 'an operation seen in two or more namespaces is granted in every namespace')
    .option('--expand-names', 'never restrict rules to the object names seen')
    .option('--names-threshold <n>', 'restrict a rule to the names seen when there are at most this many', '5')
    .option('--name-prefix <prefix>', 'generated object names: PREFIX + username', 'kubeward:')
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json'] as const).default('yaml' as const))
    .option('--out-dir <dir>', 'write one file per object into this folder instead of stdout')
    .option('--verify', 'replay every used request through the RBAC evaluator against the result; exit 1 unless 100% are allowed');
  cmd.action(async (o) => {
    const { names, globs } = subjectFlags(o, true);
    const threshold = Number(o.namesThreshold);
    if (!Number.isInteger(threshold) || threshold < 0) throw new UsageError(`--names-threshold ${o.namesThreshold}: expected a whole number`);
    const gen = await import('../rbac/generate.js');
    const existing = await existingObjects(o.existing, o.kubeconfig, o.context);
    const { usage, stats } = await readUsage(o, gen.subjectMatcher(names, globs), globs.length ? [] : names);
    const set = gen.generateRbac(usage, {
      expandVerbs: Boolean(o.expandVerbs),
      expandNamespaces: Boolean(o.expandNamespaces),
      expandNames: Boolean(o.expandNames),
      namesThreshold: threshold,
      includeDenied: Boolean(o.includeDenied),
      existing: gen.existingIndex(existing),
      namePrefix: o.namePrefix,
    });
    const { describeRequest } = await import('../rbac/request.js');
    const err = (line: string): boolean => process.stderr.write(`${line}\n`);
    err(`kubeward: ${stats.events} events read from ${stats.files} input(s); ${usage.events} used (skipped: ${usage.skipped.stage} other stages, ${usage.skipped.duplicate} repeated auditIDs, ${usage.skipped.unauthenticated} unauthenticated)`);
    for (const s of set.subjects) {
      const rules = s.roles.reduce((n, r) => n + r.rules.length, 0);
      err(`${s.user.name}: ${rules} rules in ${s.roles.length} role(s); ${s.alreadyAllowed} request(s) already allowed by the existing RBAC`);
      if (s.denied.length) {
        err(`  ${s.denied.length} denied request(s) ${o.includeDenied ? 'granted (--include-denied)' : 'not granted (use --include-denied to grant them)'}:`);
        for (const d of s.denied.slice(0, 10)) err(`    ${describeRequest(d.attributes)} (${d.stats.count}×)`);
      }
      for (const w of s.warnings) err(`  warning: ${w}`);
    }
    for (const n of names) if (!usage.subjects.has(n)) err(`kubeward: no audit events matched user ${JSON.stringify(n)}`);
    if (set.subjects.length === 0) {
      process.exitCode = EXIT_FINDINGS;
      return;
    }
    if (o.outDir !== undefined) {
      const { mkdir } = await import('node:fs/promises');
      const path = await import('node:path');
      await mkdir(o.outDir, { recursive: true });
      for (const f of gen.renderGeneratedFiles(set, o.format)) await writeAtomically(path.join(o.outDir, f.file), f.text);
    } else process.stdout.write(gen.renderGenerated(set, o.format));
    if (o.verify) {
      for (const v of gen.verifyGenerated(usage, set, existing, { includeDenied: Boolean(o.includeDenied) })) {
        err(`verify ${v.subject}: ${v.allowed}/${v.checked} requests allowed${v.checked ? ` (${((100 * v.allowed) / v.checked).toFixed(1)}%)` : ''}`);
        for (const f of v.failures.slice(0, 10)) err(`  not allowed: ${describeRequest(f)}`);
        if (v.allowed < v.checked) process.exitCode = EXIT_FINDINGS;
      }
    }
  });
  rbac.addCommand(cmd);
}

function registerUnused(rbac: Command): void {
  const cmd = auditCommand('unused', 'Rightsizing: per subject, granted rules no request in the audit logs needed, and the tightened RBAC it could have')
    .option('--rbac <path>', 'the RBAC in place (file or folder; repeatable)', collect, [] as string[])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const));
  cmd.action(async (o) => {
    const { names, globs } = subjectFlags(o, false);
    if (o.rbac.length === 0 && o.kubeconfig === undefined) throw new UsageError('give the RBAC in place: --rbac PATH or --kubeconfig FILE');
    const objects = await existingObjects(o.rbac, o.kubeconfig, o.context);
    const gen = await import('../rbac/generate.js');
    const { loadRbacFromObjects } = await import('../rbac/load.js');
    const { buildIndex } = await import('../rbac/authorizer.js');
    const { rightsize } = await import('../rbac/unused.js');
    const selected = names.length + globs.length > 0 ? gen.subjectMatcher(names, globs) : undefined;
    const { usage } = await readUsage(o, selected ?? (() => true), []);
    const index = buildIndex(loadRbacFromObjects(objects));
    const report = rightsize(index, usage, selected ? { matches: selected } : {});
    if (report.some((r) => r.unusedRules > 0 || r.partlyUsedRules > 0)) process.exitCode = EXIT_FINDINGS;
    if (o.format === 'json') {
      const { describeLocation } = await import('../rbac/types.js');
      const json = report.map((r) => ({
        subject: r.user.name,
        seen: r.seen,
        requests: r.requests,
        totalRules: r.totalRules,
        unusedRules: r.unusedRules,
        partlyUsedRules: r.partlyUsedRules,
        grants: r.grants.map((g) => ({
          binding: { kind: g.binding.kind, namespace: g.binding.namespace, name: g.binding.name, at: describeLocation(g.binding.at) },
          role: g.role ? { kind: g.role.kind, namespace: g.role.namespace, name: g.role.name } : null,
          rules: g.rules.map((u) => ({ index: u.index, verbs: u.rule.verbs, apiGroups: u.rule.apiGroups, resources: u.rule.resources, resourceNames: u.rule.resourceNames, nonResourceURLs: u.rule.nonResourceURLs, at: describeLocation(u.rule.at), requests: u.requests, unusedPairs: u.unusedPairs })),
        })),
        tightened: r.tightened ? gen.toObjects({ subjects: [r.tightened] }, { explanationAnnotations: true }) : [],
      }));
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    const { describeRule } = await import('../rbac/rules.js');
    const { describeObject, describeLocation } = await import('../rbac/types.js');
    const lines: string[] = [];
    for (const r of report) {
      lines.push(`${r.user.name}: ${r.unusedRules} of ${r.totalRules} granted rules unused, ${r.partlyUsedRules} partly used${r.seen ? ` (${r.requests} distinct requests in the log)` : ' (no request in the log)'}`);
      for (const g of r.grants) {
        if (!g.role) {
          lines.push(`  ${describeObject(g.binding)} → ${g.binding.roleRef.kind}/${g.binding.roleRef.name}: role not in the given RBAC, not judged`);
          continue;
        }
        const loose = g.rules.filter((u) => u.requests === 0 || u.unusedPairs.length > 0);
        if (!loose.length) continue;
        lines.push(`  ${describeObject(g.binding)} → ${g.binding.roleRef.kind}/${g.binding.roleRef.name}`);
        for (const u of loose) {
          const where = describeLocation(u.rule.at) ? `  [${describeLocation(u.rule.at)}]` : '';
          if (u.requests === 0) lines.push(`    unused rule ${u.index}: ${describeRule(u.rule)}${where}`);
          else lines.push(`    rule ${u.index} partly used, never: ${u.unusedPairs.join(', ')}${where}`);
        }
      }
      if (r.tightened) {
        lines.push('  tightened (what the log shows it needs):');
        for (const role of r.tightened.roles) for (const x of role.rules) lines.push(`    ${describeObject(role)}: ${describeRule(x.rule)}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  rbac.addCommand(cmd);
}

export function registerRbac(program: Command): void {
  const rbac = program.command('rbac').description('RBAC analysis: can-i, who-can, matrix, risks, paths');
  registerCanI(rbac);
  registerWhoCan(rbac);
  registerMatrix(rbac);
  registerRisks(rbac);
  registerPaths(rbac);
  registerGenerate(rbac);
  registerUnused(rbac);
}
