/**
 * `kubeward probe`: active, read-only network checks against the endpoints a model implies
 * (--node-root / --snapshot / --kubeconfig) or named with --target. Defines the command only; the
 * engines (src/probes, src/net) are imported inside the action.
 */
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { SEVERITIES, type Finding, type Severity } from '../model/finding.js';
import type { CheckMeta } from '../checks/registry.js';
import type { ProbeResult } from '../probes/context.js';
import { InputError, UsageError } from './errors.js';

export const PROBE_FORMATS = ['text', 'json', 'sarif'] as const;
export type ProbeFormat = (typeof PROBE_FORMATS)[number];

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInt(what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** Reads a PEM file named by an option; a missing or unreadable file is exit 2 naming both. */
export async function readPemOption(option: string, path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The ProbeContext from the TLS options every probing command takes. */
export async function contextFrom(o: { timeout: number; cacert?: string; cert?: string; key?: string; clusterCaCert?: string; clusterCaKey?: string }, clusterCaFallback?: { cert: string; key: string }) {
  if ((o.cert === undefined) !== (o.key === undefined)) throw new UsageError('--cert and --key go together');
  if ((o.clusterCaCert === undefined) !== (o.clusterCaKey === undefined)) throw new UsageError('--cluster-ca-cert and --cluster-ca-key go together');
  const { probeContext } = await import('../probes/context.js');
  const ca = await readPemOption('--cacert', o.cacert);
  const cert = await readPemOption('--cert', o.cert);
  const key = await readPemOption('--key', o.key);
  const clusterCert = (await readPemOption('--cluster-ca-cert', o.clusterCaCert)) ?? clusterCaFallback?.cert;
  const clusterKey = (await readPemOption('--cluster-ca-key', o.clusterCaKey)) ?? clusterCaFallback?.key;
  try {
    return await probeContext({
      timeoutMs: o.timeout,
      credentials: { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) },
      ...(clusterCert && clusterKey ? { clusterCa: { cert: clusterCert, key: clusterKey } } : {}),
    });
  } catch (e) {
    throw new InputError(`cluster CA certificate/key: ${(e as Error).message}`);
  }
}

/** Text: the probe table (secure rows too), then the findings as `scan` renders them. JSON: the scan contract plus `probes`. */
export async function renderProbeOutput(results: readonly ProbeResult[], format: ProbeFormat, o: { target: string; failOn: Severity; extraFindings?: Finding[]; rules?: readonly CheckMeta[]; extraJson?: Record<string, unknown>; preface?: string }): Promise<{ text: string; failed: boolean }> {
  const { probeFindings } = await import('../probes/run.js');
  const { probeRows, probeScanResult, probeTable } = await import('../probes/result.js');
  const { render } = await import('../report/index.js');
  const { PROBE_FINDING_METAS } = await import('../probes/findings.js');
  const { compareFindings } = await import('../model/finding.js');
  const findings = [...(o.extraFindings ?? []), ...probeFindings(results)].sort(compareFindings);
  const result = probeScanResult(findings, { target: o.target, failOn: o.failOn, probesRun: results.length });
  const failed = result.summary.failed;
  if (format === 'json') {
    const base = JSON.parse(render(result, 'json')) as Record<string, unknown>;
    return { text: `${JSON.stringify({ ...base, ...(o.extraJson ?? {}), probes: probeRows(results) }, null, 2)}\n`, failed };
  }
  if (format === 'sarif') return { text: render(result, 'sarif', { rules: [...PROBE_FINDING_METAS, ...(o.rules ?? [])] }), failed };
  const color = format === 'text' && process.stdout.isTTY && !process.env.NO_COLOR;
  return { text: `${o.preface ?? ''}${probeTable(results, process.stdout.columns ?? 120)}\n${render(result, 'text', { color })}`, failed };
}

export function registerProbe(program: Command): void {
  program.addCommand(
      new Command('probe')
        .copyInheritedSettings(program)
        .description('active, read-only network checks: TLS (versions, chain, expiry, client certificates), plaintext, anonymous access, etcd without or with the wrong certificate')
        .option('--node-root <dir>', 'probe the endpoints this node root configures (repeatable)', collect)
        .option('--snapshot <dir>', 'probe the endpoints a snapshot configures (repeatable)', collect)
        .option('--kubeconfig <file>', 'probe the endpoints a live cluster reports')
        .option('--context <name>', 'kubeconfig context to use')
        .option('--target <host:port[/kind]>', 'an endpoint to probe (repeatable); kind: apiserver, kubelet, kubelet-readonly, scheduler, controller-manager, etcd-client, etcd-peer, etcd-metrics, tls; also https://host:port[/kind]', collect)
        .option('--timeout <ms>', 'time budget per network operation', positiveInt('--timeout'), 3000)
        .option('--concurrency <n>', 'endpoints probed at the same time', positiveInt('--concurrency'), 64)
        .option('--cacert <file>', 'CA bundle to verify servers with')
        .option('--cert <file>', 'client certificate (PEM) etcd should accept: a control row shows the probing path works')
        .option('--key <file>', 'client key (PEM) for --cert')
        .option('--cluster-ca-cert <file>', 'the Kubernetes cluster CA certificate: the CA-separation probe presents a certificate it signs (default: found in the node root)')
        .option('--cluster-ca-key <file>', 'the cluster CA key (used in memory to sign one short-lived probe certificate; never written)')
      .addOption(new Option('--format <format>', 'output format').choices(PROBE_FORMATS).default('text' as const))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('high' as const))
      .action(async (o) => {
        const { parseTarget } = await import('../probes/target.js');
        const { runProbes } = await import('../probes/run.js');
        const endpoints = (o.target ?? []).map((t) => {
          try {
            return parseTarget(t);
          } catch (e) {
            throw new UsageError(`--target: ${(e as Error).message}`);
          }
        });
        let clusterCaFallback: { cert: string; key: string } | undefined;
        const nodeRoots = o.nodeRoot ?? [];
        const snapshots = o.snapshot ?? [];
        if (nodeRoots.length + snapshots.length > 0 || o.kubeconfig !== undefined) {
          const { loadControlPlane, nothingRead } = await import('../scan.js');
          const { endpointsFromModel, clusterCaCandidates } = await import('../probes/model-targets.js');
          const inputs = { nodeRoots, snapshots, ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}), ...(o.context !== undefined ? { context: o.context } : {}) };
          const cp = await loadControlPlane(inputs);
          for (const p of cp.problems) process.stderr.write(`kubeward: ${p.host}: ${p.message}\n`);
          if (nothingRead(cp)) throw new InputError(`nothing could be read from ${[...nodeRoots, ...snapshots, ...(o.kubeconfig ? [o.kubeconfig] : [])].join(', ')}`);
          endpoints.push(...endpointsFromModel(cp));
          if (o.clusterCaCert === undefined) clusterCaFallback = await firstReadablePair(clusterCaCandidates(cp));
        }
        if (endpoints.length === 0) throw new UsageError('nothing to probe: give --target host:port[/kind], or --node-root / --snapshot / --kubeconfig to take the endpoints from');
        const ctx = await contextFrom(o, clusterCaFallback);
        const { progress } = await import('./progress.js');
        const bar = progress('probing endpoints');
        const results = await runProbes(endpoints, ctx, o.concurrency, (done, total) => bar.update(done, total));
        bar.finish();
        const target = [...(o.target ?? []), ...nodeRoots, ...snapshots, ...(o.kubeconfig ? [o.kubeconfig] : [])].join(', ');
        const out = await renderProbeOutput(results, o.format, { target, failOn: o.failOn });
        process.stdout.write(out.text);
        process.exitCode = out.failed ? 1 : 0;
      }),
  );
}

async function firstReadablePair(candidates: { cert: string; key: string }[]): Promise<{ cert: string; key: string } | undefined> {
  const { readFile } = await import('node:fs/promises');
  for (const c of candidates) {
    try {
      return { cert: await readFile(c.cert, 'utf8'), key: await readFile(c.key, 'utf8') };
    } catch {
      // not this one
    }
  }
  return undefined;
}
