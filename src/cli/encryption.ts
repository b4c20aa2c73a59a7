/**
 * `kubeward encryption status | keygen | rotate`: what etcd really holds, new keys, and the staged
 * key rotation of checks.md §D.5. Defines the commands only; src/encryption is imported inside the actions.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from './errors.js';

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)];
}

function repeat(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const STATUS_FORMATS = ['text', 'json'] as const;
const PROVIDERS = ['aescbc', 'aesgcm', 'secretbox'] as const;

interface EtcdFlags {
  etcdEndpoints?: string[];
  etcdCacert?: string;
  etcdCert?: string;
  etcdKey?: string;
}

function etcdConnection(o: EtcdFlags): import('../etcd/client.js').EtcdConnection | undefined {
  if (!o.etcdEndpoints || o.etcdEndpoints.length === 0) return undefined;
  return {
    endpoints: o.etcdEndpoints,
    ...(o.etcdCacert ? { cacert: o.etcdCacert } : {}),
    ...(o.etcdCert ? { cert: o.etcdCert } : {}),
    ...(o.etcdKey ? { key: o.etcdKey } : {}),
  };
}

/** etcd errors the user can act on become one line and exit 2. */
async function asInputError<T>(f: () => Promise<T>): Promise<T> {
  const { EtcdCredentialsError } = await import('../etcd/client.js');
  const { EtcdUnreachableError } = await import('../etcd/check.js');
  try {
    return await f();
  } catch (e) {
    if (e instanceof EtcdUnreachableError || e instanceof EtcdCredentialsError) throw new InputError(e.message);
    throw e;
  }
}

export function registerEncryption(program: Command): void {
  const enc = new Command('encryption').copyInheritedSettings(program).description('encryption at rest: what etcd really holds, new keys, staged key rotation');

  enc.addCommand(
    new Command('status')
      .copyInheritedSettings(program)
      .description('classify every stored value of the encrypted resources (provider and key per object; never values)')
      .option('--etcd-endpoints <urls>', 'etcd client URLs, comma-separated', list)
      .option('--etcd-cacert <file>', "CA that signed etcd's serving certificate")
      .option('--etcd-cert <file>', 'client certificate etcd accepts (e.g. apiserver-etcd-client.crt)')
      .option('--etcd-key <file>', 'key for --etcd-cert')
      .option('--etcd-prefix <prefix>', "the API server's --etcd-prefix", '/registry')
      .option('--resources <list>', 'resources as named in EncryptionConfiguration (e.g. secrets,configmaps,widgets.example.com)', list)
      .option('--encryption-config <file>', "the API server's EncryptionConfiguration: flags unreadable and stale values and decrypts to verify")
      .option('--no-verify', 'with --encryption-config: do not decrypt')
      .option('--list-limit <n>', 'object keys listed per category', (v) => Number(v), 1000)
      .option('--scan-node-root <dir>', "also scan this control-plane node's files with the encryption checks, which then cite what etcd holds (repeatable)", repeat)
      .addOption(new Option('--format <format>', 'output format').choices(STATUS_FORMATS).default('text' as const))
      .action(async (o) => {
      const conn = etcdConnection(o);
      if (!conn) throw new UsageError('encryption status needs --etcd-endpoints');
      process.noDeprecation = true;
      const { readEncryptionConfig } = await import('../encryption/config.js');
      const { encryptionStatus } = await import('../encryption/status.js');
      const { renderStatusJson, renderStatusText, statusHasProblems } = await import('../encryption/render.js');
      const { progress } = await import('./progress.js');
      const config = o.encryptionConfig ? readEncryptionConfig(o.encryptionConfig) : undefined;
      const bar = progress('reading etcd');
      const status = await asInputError(() =>
        encryptionStatus({
          conn,
          resources: o.resources && o.resources.length > 0 ? o.resources : ['secrets'],
          prefix: o.etcdPrefix,
          ...(config ? { config } : {}),
          verify: o.verify,
          listLimit: o.listLimit,
          onProgress: (r, n) => bar.update(n, undefined, r),
        }),
      ).finally(() => bar.finish());
      if (o.scanNodeRoot) {
        // the same facts feed the scan: the node's files plus what etcd holds, judged by the encryption checks
        const { checksFor, loadControlPlane, scanControlPlane } = await import('../scan.js');
        const { etcdContentsOf } = await import('../encryption/status.js');
        const { render } = await import('../report/index.js');
        const cp = await loadControlPlane({ nodeRoots: o.scanNodeRoot, snapshots: [] });
        cp.etcdContents = etcdContentsOf(status);
        const checks = checksFor(['encryption']);
        const result = scanControlPlane(cp, { failOn: 'high', checks });
        process.stdout.write(render(result, o.format, { rules: checks }));
        process.exitCode = result.summary.failed ? EXIT_FINDINGS : EXIT_OK;
        return;
      }
      process.stdout.write(o.format === 'json' ? renderStatusJson(status) : renderStatusText(status));
      process.exitCode = statusHasProblems(status) ? EXIT_FINDINGS : EXIT_OK;
    }),
  );

  enc.addCommand(
    new Command('keygen')
      .copyInheritedSettings(program)
      .description('a new 32-byte key for a local provider, written 0600 as an EncryptionConfiguration provider snippet')
      .addOption(new Option('--provider <provider>', 'provider').choices(PROVIDERS).default('aescbc' as const))
      .option('--name <name>', 'key name (becomes part of every stored value: keep it unique, no ":")', `key-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`)
      .option('--out <file>', 'write the snippet here (mode 0600)')
      .option('--stdout', 'print the snippet, key included, on stdout')
      .action(async (o) => {
        if (o.name.includes(':') || o.name.length === 0) throw new UsageError(`--name "${o.name}": a key name must be non-empty and must not contain ":"`);
        if (!o.out && !o.stdout) throw new UsageError('keygen writes key material only where asked: give --out FILE or --stdout');
        const { keySnippet, newKeySecret, writePrivateFile } = await import('../encryption/keygen.js');
        const snippet = keySnippet(o.provider, o.name, newKeySecret());
        if (o.out) {
          try {
            writePrivateFile(o.out, snippet);
          } catch (e) {
            throw new InputError(`${o.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
          }
          process.stderr.write(`kubeward: ${o.provider} key "${o.name}" written to ${o.out} (0600)\n`);
        }
        if (o.stdout) process.stdout.write(snippet);
      }),
  );

  const rotate = new Command('rotate').copyInheritedSettings(program).description('staged key rotation (add second → restart → promote → restart → rewrite → verify in etcd → remove old → restart), resumable');
  const rotateCommand = (name: 'plan' | 'apply' | 'status', description: string) =>
    new Command(name)
      .copyInheritedSettings(program)
      .description(description)
      .option('--config <file>', 'EncryptionConfiguration of one API server (repeat for every API server)', repeat)
      .option('--state <file>', 'rotation state file (0600, no key material)', 'kubeward-rotation.json')
      .option('--backup-dir <dir>', 'where configs are copied (0600) before each write (default: kubeward-backups next to the state file)')
      .option('--resources <list>', 'resources to rotate, as named in EncryptionConfiguration', list)
      .addOption(new Option('--provider <provider>', 'provider of the new key (default: the current one; aescbc when the current one is identity)').choices(PROVIDERS))
      .option('--new-key-name <name>', 'name of the new key (default key-YYYYMMDD)')
      .option('--kubeconfig <file>', 'kubeconfig of a cluster admin (rewrite and /readyz)')
      .option('--context <name>', 'kubeconfig context')
      .option('--restart-cmd <cmd>', 'shell command run once per API server after each config change (env KUBEWARD_ENCRYPTION_CONFIG, KUBEWARD_APISERVER_INDEX); then /readyz is awaited')
      .option('--page-size <n>', 'objects per list page in the rewrite', (v) => Number(v), 250)
      .option('--ready-timeout <s>', 'seconds to wait for /readyz after a restart', (v) => Number(v), 120)
      .option('--etcd-endpoints <urls>', 'etcd client URLs, comma-separated (verify stage)', list)
      .option('--etcd-cacert <file>', "CA that signed etcd's serving certificate")
      .option('--etcd-cert <file>', 'client certificate etcd accepts')
      .option('--etcd-key <file>', 'key for --etcd-cert')
      .option('--etcd-prefix <prefix>', "the API server's --etcd-prefix", '/registry');

  rotate.addCommand(
    rotateCommand('plan', 'what the rotation will do from where it stands (writes nothing)').action(async (o) => {
      const { describePlan, planRotation, readState } = await import('../encryption/rotate.js');
      const state = readState(o.state) ?? planRotation({ configs: o.config ?? [], resources: o.resources ?? ['secrets'], ...(o.provider ? { provider: o.provider } : {}), ...(o.newKeyName ? { newKeyName: o.newKeyName } : {}) });
      process.stdout.write(`rotation of ${state.resources.join(', ')}: ${state.from.provider}${state.from.key ? `:${state.from.key}` : ''} → ${state.to.provider}:${state.to.key ?? ''}\n${describePlan(state).map((l, i) => `${i + 1}. ${l}`).join('\n')}\n`);
    }),
  );

  rotate.addCommand(
    rotateCommand('apply', 'run (or resume) the rotation').action(async (o) => {
      const { applyRotation } = await import('../encryption/rotate.js');
      const { apiClient } = await import('../encryption/rewrite.js');
      const { execFile } = await import('node:child_process');
      const { progress } = await import('./progress.js');
      const conn = etcdConnection(o);
      const restartCmd = o.restartCmd;
      const bar = progress('rewriting');
      process.noDeprecation = true;
      const state = await asInputError(() =>
        applyRotation({
          configs: o.config ?? [],
          resources: o.resources ?? ['secrets'],
          stateFile: o.state,
          ...(o.backupDir ? { backupDir: o.backupDir } : {}),
          ...(o.provider ? { provider: o.provider } : {}),
          ...(o.newKeyName ? { newKeyName: o.newKeyName } : {}),
          ...(restartCmd
            ? {
                restart: (config: string, index: number) =>
                  new Promise<void>((resolve, reject) =>
                    execFile('sh', ['-c', restartCmd], { env: { ...process.env, KUBEWARD_ENCRYPTION_CONFIG: config, KUBEWARD_APISERVER_INDEX: String(index) } }, (e, _out, err) =>
                      e ? reject(new InputError(`--restart-cmd failed for ${config}: ${err.trim() || e.message}`)) : resolve(),
                    ),
                  ),
              }
            : {}),
          ...(o.kubeconfig !== undefined || restartCmd ? { api: () => apiClient(o.kubeconfig, o.context) } : {}),
          ...(conn ? { etcd: { conn, prefix: o.etcdPrefix } } : {}),
          readyTimeoutMs: o.readyTimeout * 1000,
          pageSize: o.pageSize,
          log: (line: string) => bar.print(`kubeward: ${line}`),
          onRewriteProgress: (r, p) => bar.update(p.rewritten, undefined, r),
        }),
      ).finally(() => bar.finish());
      process.stdout.write(`stage: ${state.stage}${state.restartPending ? ' (waiting for the API servers to restart)' : ''}\n`);
    }),
  );

  rotate.addCommand(
    rotateCommand('status', 'where the rotation stands; with --etcd-* also how many objects are on the old and the new key').action(async (o) => {
      const { describePlan, readState } = await import('../encryption/rotate.js');
      const state = readState(o.state);
      if (!state) throw new InputError(`${o.state}: no rotation state (run "rotate apply" to start one)`);
      const lines = [`stage: ${state.stage}${state.restartPending ? ' (waiting for the API servers to restart)' : ''}`, `from ${state.from.provider}${state.from.key ? `:${state.from.key}` : ''} to ${state.to.provider}:${state.to.key ?? ''}`];
      for (const [r, p] of Object.entries(state.rewrite)) lines.push(`rewrite ${r}: ${p.rewritten} rewritten, ${p.conflicts} conflict(s)${p.after ? `, last ${p.after}` : ''}`);
      const conn = etcdConnection(o);
      if (conn) {
        const { countOn, encryptionStatus } = await import('../encryption/status.js');
        const { progress } = await import('./progress.js');
        process.noDeprecation = true;
        const bar = progress('reading etcd');
        const s = await asInputError(() => encryptionStatus({ conn, resources: state.resources, prefix: o.etcdPrefix, onProgress: (r, n) => bar.update(n, undefined, r) })).finally(() => bar.finish());
        const on = (k: { provider: string; key?: string }) => countOn(s, k.provider as 'identity', k.key);
        lines.push(`etcd: ${on(state.from)} object(s) on the old, ${on(state.to)} on the new`);
      }
      lines.push(...describePlan(state).map((l) => `next: ${l}`));
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = state.stage === 'done' ? EXIT_OK : EXIT_FINDINGS;
    }),
  );
  enc.addCommand(rotate);

  program.addCommand(enc);
}
