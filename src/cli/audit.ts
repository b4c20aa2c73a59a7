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
        const { emptyReadStats, readAuditEvents } = await import('../audit/read.js');
        const { totalBytes, withProgress } = await import('./progress.js');
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
        const stats = emptyReadStats();
        const total = await totalBytes(files);
        let summary;
        try {
          summary = await withProgress(
            'reading audit logs',
            () => ({ done: stats.bytes, total }),
            (bar) => {
              const events = readAuditEvents(files, {
                stats,
                onProblem: (p) => {
                  problems++;
                  if (p.line === 0) throw new InputError(`${p.file}: ${p.message}`);
                  bar.print(`kubeward: ${p.file}:${p.line}: ${p.message} (skipped)`);
                },
              });
              return detectEvents(events, opts);
            },
            { unit: 'bytes' },
          );
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
  registerServe(program, audit);
  registerQuery(program, audit);
  program.addCommand(audit);
}

const STORE_HELP = 'sqlite:PATH (default sqlite:kubeward-audit.db) or postgres://USER@HOST:PORT/DB';

function registerServe(program: Command, audit: Command): void {
  audit.addCommand(
    new Command('serve')
      .copyInheritedSettings(program)
      .description('audit webhook backend for the API server: HTTPS, client-certificate or token auth, durable store before 200, dedupe by auditID+stage, live detection')
      .requiredOption('--listen <host:port>', 'address to listen on, e.g. 127.0.0.1:8443')
      .requiredOption('--tls-cert <file>', 'serving certificate (PEM)')
      .requiredOption('--tls-key <file>', 'serving key (PEM)')
      .option('--client-ca <file>', 'CA whose client certificates are accepted (the API server presents one from its webhook kubeconfig)')
      .option('--token-file <file>', 'file holding a bearer token callers may present instead')
      .option('--store <spec>', STORE_HELP, 'sqlite:kubeward-audit.db')
      .option('--retention-days <n>', 'delete events older than this many days')
      .option('--retention-max-mb <n>', 'delete the oldest events beyond this many MiB of stored events')
      .option('--max-in-flight <n>', 'batches accepted but not yet committed before answering 429', '64')
      .option('--max-in-flight-mb <n>', 'MiB of such batches before answering 429 (a batch alone is always accepted)', '256')
      .option('--trusted-user <name>', 'an admin whose bulk Secret reads are expected (repeatable)', collect, [] as string[])
      .option('--trusted-group <name>', 'a group whose bulk Secret reads are expected (repeatable)', collect, [] as string[])
      .action(async (o) => {
        const { readFileSync } = await import('node:fs');
        const read = (flag: string, path: string) => {
          try {
            return readFileSync(path);
          } catch (e) {
            throw new InputError(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
          }
        };
        const m = /^(.*):(\d+)$/.exec(o.listen);
        if (!m?.[1] || !m[2]) throw new UsageError(`--listen ${o.listen}: expected HOST:PORT`);
        const host = m[1].replace(/^\[(.*)\]$/, '$1');
        const positive = (flag: string, v: string | undefined) => {
          if (v === undefined) return undefined;
          const n = Number(v);
          if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${v}: expected a positive number`);
          return n;
        };
        if (!o.clientCa && !o.tokenFile) throw new UsageError('give --client-ca FILE, --token-file FILE or both: callers must authenticate');
        const tls = { cert: read('--tls-cert', o.tlsCert), key: read('--tls-key', o.tlsKey), ...(o.clientCa ? { clientCa: read('--client-ca', o.clientCa) } : {}) };
        const token = o.tokenFile ? read('--token-file', o.tokenFile).toString('utf8').trim() : undefined;
        const retention = { ...(o.retentionDays ? { maxAgeDays: positive('--retention-days', o.retentionDays) } : {}), ...(o.retentionMaxMb ? { maxMb: positive('--retention-max-mb', o.retentionMaxMb) } : {}) };
        // checked before the store opens, so a bad value leaves nothing behind
        const maxInFlight = positive('--max-in-flight', o.maxInFlight) ?? 64;
        const maxInFlightBytes = (positive('--max-in-flight-mb', o.maxInFlightMb) ?? 256) * 1024 * 1024;
        const { openStore } = await import('../audit/store.js');
        const { startAuditServer } = await import('../audit/serve.js');
        let store;
        try {
          store = await openStore(o.store, { trustedUsers: o.trustedUser, trustedGroups: o.trustedGroup });
        } catch (e) {
          throw new InputError(`--store ${o.store.replace(/:\/\/[^@/]*@/, '://***@')}: ${(e as Error).message}`);
        }
        const server = await startAuditServer({
          host,
          port: Number(m[2]),
          tls,
          ...(token ? { token } : {}),
          store,
          retention,
          maxInFlight,
          maxInFlightBytes,
        });
        process.stderr.write(`kubeward audit serve: listening on ${server.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            void server.close().then(() => store.close()).then(resolve);
          };
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
      }),
  );
}

function registerQuery(program: Command, audit: Command): void {
  audit.addCommand(
    new Command('query')
      .copyInheritedSettings(program)
      .description('events (or --alerts) stored by audit serve, filtered by user, verb, resource, namespace, time or rule')
      .option('--store <spec>', STORE_HELP, 'sqlite:kubeward-audit.db')
      .option('--user <name>', 'authenticated username')
      .option('--verb <verb>', 'request verb (get, list, create, ...)')
      .option('--resource <resource>', 'resource (pods, secrets, ...)')
      .option('--namespace <ns>', 'namespace')
      .option('--since <time>', 'RFC 3339 lower bound on the request time')
      .option('--until <time>', 'RFC 3339 upper bound on the request time')
      .option('--rule <id>', 'only events that raised this detection rule (e.g. audit/pod-exec)')
      .option('--alerts', 'list the alerts instead of the events')
      .option('--limit <n>', 'at most this many events')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
      .action(async (o) => {
        for (const [flag, v] of [['--since', o.since], ['--until', o.until]] as const) {
          if (v !== undefined && Number.isNaN(Date.parse(v))) throw new UsageError(`${flag} ${v}: expected an RFC 3339 time such as 2026-11-28T13:00:00Z`);
        }
        const rule = o.rule === undefined ? undefined : o.rule.startsWith('audit/') ? o.rule : `audit/${o.rule}`;
        const filter = { user: o.user, verb: o.verb, resource: o.resource, namespace: o.namespace, since: o.since, until: o.until, rule, limit: o.limit === undefined ? undefined : Number(o.limit) };
        const clean = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
        const spec = o.store;
        if (!/^postgres(ql)?:\/\//.test(spec)) {
          const { existsSync } = await import('node:fs');
          if (!existsSync(spec.replace(/^sqlite:/, ''))) throw new InputError(`--store ${spec}: no such database`);
        }
        const { openQueries } = await import('../audit/store.js');
        let store;
        try {
          store = await openQueries(spec);
        } catch (e) {
          throw new InputError(`--store ${spec.replace(/:\/\/[^@/]*@/, '://***@')}: ${(e as Error).message}`);
        }
        try {
          if (o.alerts) {
            const alerts = await store.alerts(clean);
            if (o.format === 'json') process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
            else for (const a of alerts) process.stdout.write(`${a.time}  ${a.severity.toUpperCase().padEnd(8)} ${a.rule}  ${a.user || '(unauthenticated)'}${a.impersonatedUser ? ` as ${a.impersonatedUser}` : ''}  ${a.verb} ${a.object}  ${a.detail}  auditID=${a.auditID}\n`);
            return;
          }
          const events = await store.events(clean);
          if (o.format === 'json') process.stdout.write(`${JSON.stringify(events.map((e) => e.event), null, 2)}\n`);
          else for (const e of events) process.stdout.write(`${e.time}  ${e.user || '(unauthenticated)'}  ${e.verb} ${[e.namespace, e.resource, e.name].filter(Boolean).join('/') || (e.event.requestURI ?? '')}  ${e.code ?? '-'}  ${e.stage}  auditID=${e.auditID}\n`);
        } finally {
          await store.close();
        }
      }),
  );
}
