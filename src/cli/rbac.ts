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
  objectNamespace?: string;
  verbose?: boolean;
}

/** Reads --rbac paths into an index; loader warnings go to stderr with --verbose. */
async function loadIndex(o: SourceFlags): Promise<{ index: RbacIndex; objects: RbacObject[] }> {
  if (o.rbac.length === 0) throw new UsageError('no RBAC to read: give --rbac PATH (a YAML/JSON file or a folder; repeatable)');
  const { loadRbacFiles, RbacInputError } = await import('../rbac/load.js');
  const { buildIndex } = await import('../rbac/authorizer.js');
  try {
    const opts = o.objectNamespace !== undefined ? { defaultNamespace: o.objectNamespace } : {};
    const { objects, policy } = await loadRbacFiles(o.rbac, opts);
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
    const table = new Table({ head: ['NAME', ...m.verbs.map((v) => v.toUpperCase())], style: { head: [], border: [] } });
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
    result.target = o.rbac.join(', ');
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

export function registerRbac(program: Command): void {
  const rbac = program.command('rbac').description('RBAC analysis: can-i, who-can, matrix, risks, paths');
  registerCanI(rbac);
  registerWhoCan(rbac);
  registerMatrix(rbac);
  registerRisks(rbac);
  registerPaths(rbac);
}
