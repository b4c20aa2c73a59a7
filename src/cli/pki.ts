/**
 * `kubeward pki`: inventory | init | renew | approve-csrs. Defines the commands only; the engines in
 * src/pki are imported inside the actions.
 */
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { InputError, UsageError } from './errors.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number.');
  return n;
}

export function registerPki(program: Command): void {
  const pki = program.command('pki').description('certificate inventory, a cluster PKI with its own etcd CA, renewal, safe kubelet-serving CSR approval');

  pki
    .command('inventory')
    .description('every certificate and key in the PKI folders, kubeconfigs and kubelet cert dir: validity, keys, chains, who uses it; findings for expiry, weak keys, SHA-1, shared etcd CA, key mismatches, system:masters clients')
    .option('--node-root <dir>', 'a node\'s file system (repeatable)', collect, [] as string[])
    .option('--snapshot <dir>', 'a snapshot written by kubeward collect (repeatable)', collect, [] as string[])
    .option('--kubeconfig <file>', 'live: the certificates of this kubeconfig and those the cluster issued through CSRs')
    .option('--context <name>', 'kubeconfig context')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
    .option('--warn-days <n>', 'report certificates that expire within this many days', positiveInt, 30)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['critical', 'high', 'medium', 'low', 'info'] as const).default('high' as const))
    .action(async (o) => {
      if (o.nodeRoot.length + o.snapshot.length === 0 && o.kubeconfig === undefined) throw new UsageError('pki inventory: give --node-root DIR, --snapshot DIR or --kubeconfig FILE');
      for (const d of [...o.nodeRoot, ...o.snapshot]) if (!existsSync(d)) throw new InputError(`${d}: no such directory`);
      if (o.kubeconfig !== undefined && !existsSync(o.kubeconfig)) throw new InputError(`${o.kubeconfig}: no such file`);
      const { runInventory } = await import('../pki/inventory-run.js');
      const { renderInventoryJson, renderInventoryText } = await import('../pki/render.js');
      const { atOrAbove } = await import('../model/finding.js');
      const inputs = { nodeRoots: o.nodeRoot, snapshots: o.snapshot, ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), ...(o.context ? { context: o.context } : {}) };
      const report = await runInventory(inputs, { warnDays: o.warnDays });
      if (report.items.length === 0 && report.problems.length > 0) throw new InputError(`pki inventory: nothing readable (${report.problems[0]!.message})`);
      process.stdout.write(o.format === 'json' ? renderInventoryJson(report) : renderInventoryText(report));
      process.exitCode = report.findings.some((f) => atOrAbove(f.severity, o.failOn)) ? 1 : 0;
    });

  pki
    .command('init')
    .description('create a kubeadm-compatible PKI (ca, apiserver*, front-proxy*, a separate etcd CA and its certificates, sa.key/sa.pub)')
    .requiredOption('--out <dir>', 'the PKI directory to create (e.g. /etc/kubernetes/pki)')
    .option('--apiserver-san <name-or-ip>', 'an extra API server SAN (repeatable)', collect, [] as string[])
    .option('--etcd-member <name=ip>', 'an etcd member (repeatable); the one named --node-name (else the first) gets etcd/server and etcd/peer', collect, [] as string[])
    .addOption(new Option('--key-type <type>', 'key algorithm').choices(['ecdsa-p256', 'rsa-2048', 'rsa-3072'] as const).default('ecdsa-p256' as const))
    .option('--cluster-name <name>', 'common name of the Kubernetes CA', 'kubernetes')
    .option('--node-name <name>', 'this control-plane node (an apiserver SAN, the etcd member it serves)', hostname())
    .option('--dns-domain <domain>', 'cluster DNS domain (kubernetes.default.svc.<domain>)', 'cluster.local')
    .option('--service-cidr <cidr>', 'Service CIDR; its first address is an apiserver SAN', '10.96.0.0/12')
    .option('--force', 'replace an existing PKI (it is moved aside to <out>.bak-<time>, not deleted)', false)
    .action(async (o) => {
      const { parseEtcdMember } = await import('../pki/kubeadm.js');
      const { initPki, PkiExistsError } = await import('../pki/init.js');
      if (o.etcdMember.length === 0) throw new UsageError('pki init: at least one --etcd-member NAME=IP is needed');
      let etcdMembers;
      try {
        etcdMembers = o.etcdMember.map(parseEtcdMember);
      } catch (e) {
        throw new UsageError(`pki init: ${(e as Error).message}`);
      }
      try {
        const r = await initPki({
          out: o.out,
          keyType: o.keyType,
          force: o.force,
          clusterName: o.clusterName,
          nodeName: o.nodeName,
          apiserverSans: o.apiserverSan,
          etcdMembers,
          dnsDomain: o.dnsDomain,
          serviceCidr: o.serviceCidr,
        });
        for (const f of r.files) process.stdout.write(`${(f.mode & 0o777).toString(8).padStart(4, '0')} ${f.path}\n`);
        process.stdout.write(`wrote ${r.files.length} files to ${r.out}\n`);
        if (r.backup) process.stderr.write(`the previous contents of ${r.out} are in ${r.backup}\n`);
      } catch (e) {
        if (e instanceof PkiExistsError) throw new UsageError(e.message);
        if (e instanceof Error && /service CIDR|etcd-member/.test(e.message)) throw new UsageError(`pki init: ${e.message}`);
        throw e;
      }
    });

  pki
    .command('renew')
    .description('reissue leaf certificates from the CAs in a PKI directory, keeping subjects, SANs, EKUs and keys; old files are backed up')
    .requiredOption('--pki-dir <dir>', 'the PKI directory (e.g. /etc/kubernetes/pki)')
    .option('--only <names>', 'comma-separated leaf names, e.g. apiserver,etcd/server (default: every leaf)')
    .option('--days <n>', 'validity of the new certificates in days', positiveInt, 365)
    .option('--new-key', 'issue for a fresh key of the same kind instead of the current key', false)
    .option('--kubeconfig <file>', 'also renew the client certificates embedded in this kubeconfig (repeatable; e.g. /etc/kubernetes/admin.conf)', collect, [] as string[])
    .option('--backup-dir <dir>', 'where the old files go (default <pki-dir>-backup-<time>, mode 0700)')
    .action(async (o) => {
      const { renewPki, RenewError } = await import('../pki/renew.js');
      try {
        const r = await renewPki({
          pkiDir: o.pkiDir,
          only: (o.only ?? '').split(',').map((s) => s.trim()).filter(Boolean),
          days: o.days,
          newKey: o.newKey,
          kubeconfigs: o.kubeconfig,
          ...(o.backupDir ? { backupDir: o.backupDir } : {}),
        });
        for (const c of r.renewed) process.stdout.write(`renewed ${c.name} (CA ${c.ca}) until ${c.notAfter}${c.newKey ? ', new key' : ''}\n`);
        process.stdout.write(`old files backed up to ${r.backup}\n`);
      } catch (e) {
        if (e instanceof RenewError) throw new InputError(e.message);
        throw e;
      }
    });

  pki
    .command('approve-csrs')
    .description('approve kubernetes.io/kubelet-serving CSRs only when the requester is that node (system:node:<name> in system:nodes), usages are server auth + digital signature [+ key encipherment] and every requested name is one of that Node\'s addresses; deny the others with the reason')
    .requiredOption('--kubeconfig <file>', 'credentials that may approve kubelet-serving CSRs')
    .option('--context <name>', 'kubeconfig context')
    .option('--watch', 'keep watching for new CSRs until interrupted', false)
    .option('--dry-run', 'print the decisions without recording them', false)
    .action(async (o) => {
      if (!existsSync(o.kubeconfig)) throw new InputError(`${o.kubeconfig}: no such file`);
      const { approveOnce, approveWatching } = await import('../pki/approve.js');
      const opts = {
        kubeconfig: o.kubeconfig,
        ...(o.context ? { context: o.context } : {}),
        dryRun: o.dryRun,
        onVerdict: (name: string, v: { action: string; reason: string }, done: string) => {
          if (done === 'skipped') return;
          process.stdout.write(`${done === 'dry-run' ? `would ${v.action}` : done} ${name}: ${v.reason}\n`);
        },
        onError: (name: string, e: Error) => {
          const code = (e as { code?: unknown }).code;
          process.stderr.write(`kubeward: CSR ${name}: ${typeof code === 'number' ? `HTTP ${code} from the API server` : e.message}\n`);
        },
      };
      try {
        if (!o.watch) return await approveOnce(opts);
        const stop = new AbortController();
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
        await approveWatching(opts, stop.signal);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        throw new InputError(`pki approve-csrs: ${typeof code === 'number' ? `HTTP ${code} from the API server` : (e as Error).message}`);
      }
    });
}
