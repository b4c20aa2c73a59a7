/**
 * `kubeward audit`: policy, detect, serve, query. Defines the commands only; the engine (src/audit)
 * is imported inside each action.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { EXIT_FINDINGS, InputError, UsageError } from './errors.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerAudit(program: Command): void {
  const audit = new Command('audit').copyInheritedSettings(program).description('audit logging: a recommended policy, threat detection over audit logs, an audit webhook backend');
  audit.addCommand(
    new Command('policy')
      .copyInheritedSettings(program)
      .description('print an audit.k8s.io/v1 Policy (commented YAML) for --audit-policy-file')
      .addOption(new Option('--profile <profile>', 'how much to log').choices(['minimal', 'recommended', 'forensic'] as const).default('recommended' as const))
      .option('--output <file>', 'write the policy to this file (atomically) instead of stdout')
      .action(async (o) => {
        const { renderAuditPolicy } = await import('../audit/policy.js');
        const text = renderAuditPolicy(o.profile);
        if (o.output === undefined) process.stdout.write(text);
        else {
          const { writeAtomically } = await import('./scan.js');
          await writeAtomically(o.output, text);
        }
      }),
  );
  audit.addCommand(
    new Command('detect')
      .copyInheritedSettings(program)
      .description('threat detection over audit logs (files, gzip, or - for stdin): one alert per suspicious request, with its evidence and MITRE ATT&CK technique')
      .argument('<files...>', 'audit log files (JSON lines, EventList, gzip) or - for stdin')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif'] as const).default('text' as const))
      .option('--rules <ids>', 'only these rules (comma-separated ids, e.g. pod-exec,secrets-read)')
      .option('--since <time>', 'only requests at or after this RFC 3339 time')
      .option('--until <time>', 'only requests at or before this RFC 3339 time')
      .option('--trusted-user <name>', 'an admin whose bulk Secret reads are expected (repeatable)', collect, [] as string[])
      .option('--trusted-group <name>', 'a group whose bulk Secret reads are expected (repeatable)', collect, [] as string[])
      .addOption(new Option('--fail-on <severity>', 'exit 1 when an alert is at or above this severity').choices(SEVERITIES).default('high' as const))
      .action(async (files, o) => {
        const { readAuditEvents } = await import('../audit/read.js');
        const { detectEvents, selectRules } = await import('../audit/detect.js');
        const { alertsResult, ruleMeta } = await import('../audit/detect-report.js');
        const { render } = await import('../report/index.js');
        const rules = o.rules?.split(',').map((r) => r.trim()).filter(Boolean);
        let selected;
        try {
          selected = selectRules(rules);
        } catch (e) {
          throw new UsageError(`--rules: ${(e as Error).message}`);
        }
        let problems = 0;
        const opts = { trustedUsers: o.trustedUser, trustedGroups: o.trustedGroup, ...(rules ? { rules } : {}), ...(o.since ? { since: o.since } : {}), ...(o.until ? { until: o.until } : {}) };
        const events = readAuditEvents(files, {
          onProblem: (p) => {
            problems++;
            if (p.line === 0) throw new InputError(`${p.file}: ${p.message}`);
            process.stderr.write(`kubeward: ${p.file}:${p.line}: ${p.message} (skipped)\n`);
          },
        });
        let summary;
        try {
          summary = await detectEvents(events, opts);
        } catch (e) {
          if (e instanceof InputError) throw e;
          if (e instanceof Error && /^--(since|until) /.test(e.message)) throw new UsageError(e.message);
          throw e;
        }
        const result = alertsResult(summary.alerts, { target: files.join(', '), failOn: o.failOn, rulesRun: selected.length });
        if (problems > 0) result.summary.partial.push(`${problems} unreadable line(s) skipped`);
        process.stdout.write(render(result, o.format, { color: process.stdout.isTTY && !process.env.NO_COLOR, rules: selected.map(ruleMeta) }));
        if (result.summary.failed) process.exitCode = EXIT_FINDINGS;
      }),
  );
  program.addCommand(audit);
}
