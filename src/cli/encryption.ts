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
      .addOption(new Option('--format <format>', 'output format').choices(STATUS_FORMATS).default('text' as const))
      .action(async (o) => {
      const conn = etcdConnection(o);
      if (!conn) throw new UsageError('encryption status needs --etcd-endpoints');
      process.noDeprecation = true;
      const { readEncryptionConfig } = await import('../encryption/config.js');
      const { encryptionStatus } = await import('../encryption/status.js');
      const { renderStatusJson, renderStatusText, statusHasProblems } = await import('../encryption/render.js');
      const config = o.encryptionConfig ? readEncryptionConfig(o.encryptionConfig) : undefined;
      const tty = process.stderr.isTTY;
      const status = await asInputError(() =>
        encryptionStatus({
          conn,
          resources: o.resources && o.resources.length > 0 ? o.resources : ['secrets'],
          prefix: o.etcdPrefix,
          ...(config ? { config } : {}),
          verify: o.verify,
          listLimit: o.listLimit,
          ...(tty ? { onProgress: (r: string, n: number) => process.stderr.write(`\r${r}: ${n} read`) } : {}),
        }),
      );
      if (tty) process.stderr.write('\n');
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

  program.addCommand(enc);
}
