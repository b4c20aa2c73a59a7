/**
 * The command tree. Each group lives in its own file and registers its commands; engines are
 * imported inside the actions so that `kubeward scan` does not pay for the OIDC or etcd clients.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { EXIT_USAGE, InputError, UsageError } from './errors.js';
import { registerScan } from './scan.js';
import { registerCollect } from './collect.js';
import { registerProbe } from './probe.js';
import { registerReport } from './report.js';
import { registerRbac } from './rbac.js';
import { registerAudit } from './audit.js';
import { registerEtcd } from './etcd.js';
import { registerEncryption } from './encryption.js';
import { registerPki } from './pki.js';
import { registerOidc } from './oidc.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('kubeward')
    .description('Audit, prove and fix the security of a Kubernetes control plane')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerScan, registerCollect, registerProbe, registerReport, registerRbac, registerAudit, registerEtcd, registerEncryption, registerPki, registerOidc]) {
    register(program);
  }
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 findings at or above --fail-on, 2 bad usage or input). */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError || e instanceof InputError) {
      process.stderr.write(`kubeward: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
