/**
 * `kubeward audit`: policy, detect, serve, query. Defines the commands only; the engine (src/audit)
 * is imported inside each action.
 */
import { Command, Option } from '@commander-js/extra-typings';

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
  program.addCommand(audit);
}
