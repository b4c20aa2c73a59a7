/**
 * `kubeward collect`: read node roots and/or a live cluster and write a redacted snapshot folder
 * (src/sources/snapshot.ts) to scan elsewhere with `kubeward scan --snapshot DIR`. Defines the command
 * only; the sources are imported inside the action.
 */
import type { Command } from '@commander-js/extra-typings';
import { InputError, UsageError } from './errors.js';

function collectValues(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('write a redacted snapshot (facts only: no Secret data, no key bytes; file modes kept) of node roots and/or a live cluster, to scan offline')
    .option('--node-root <dir>', "a node's file system, e.g. / on a control-plane node (repeatable)", collectValues, [] as string[])
    .option('--kubeconfig <file>', 'read a live cluster through this kubeconfig')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--in-cluster', "read the cluster this pod runs in, with the pod's service account")
    .requiredOption('--out <dir>', 'the snapshot folder to write (created; an older snapshot there is replaced)')
    .action(async (o) => {
      const live = o.kubeconfig !== undefined || o.context !== undefined;
      if (o.inCluster && (live || o.nodeRoot.length > 0)) throw new UsageError('collect: --in-cluster reads the cluster alone; run node collection separately');
      if (!o.inCluster && !live && o.nodeRoot.length === 0) throw new UsageError('collect: give --node-root DIR, --kubeconfig FILE or --in-cluster');
      const { loadControlPlane, nothingRead } = await import('../scan.js');
      const { writeSnapshot } = await import('../sources/snapshot.js');
      const { printable } = await import('../report/text.js');
      const cp = o.inCluster
        ? await (await import('../sources/live.js')).readLiveCluster({ inCluster: true })
        : await loadControlPlane({ nodeRoots: o.nodeRoot, snapshots: [], ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}), ...(o.context !== undefined ? { context: o.context } : {}) });
      cp.scannedAt ??= new Date().toISOString();
      for (const p of cp.problems) process.stderr.write(`kubeward: ${printable(`${p.host}: ${p.message}`)}\n`);
      for (const why of cp.partial) process.stderr.write(`kubeward: partial: ${printable(why)}\n`);
      if (nothingRead(cp)) throw new InputError(`nothing could be read from ${[...o.nodeRoot, ...(o.kubeconfig ? [o.kubeconfig] : [])].join(', ') || 'the cluster'}`);
      let manifest;
      try {
        manifest = await writeSnapshot(cp, o.out);
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`cannot write snapshot ${o.out}: ${(e as Error).message}`);
      }
      const parts = [`${manifest.hosts.length} host${manifest.hosts.length === 1 ? '' : 's'}`];
      if (cp.cluster) parts.push('cluster facts');
      if (cp.rbac) parts.push(`${cp.rbac.length} RBAC objects`);
      process.stdout.write(`wrote snapshot ${o.out}: ${parts.join(', ')}${cp.partial.length ? ` (partial: ${cp.partial.length} reason${cp.partial.length === 1 ? '' : 's'})` : ''}\n`);
    });
}
