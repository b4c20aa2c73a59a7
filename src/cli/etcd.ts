/**
 * `kubeward etcd check` and `kubeward etcd firewall`. Defines the commands only; src/etcd and
 * src/probes are imported inside the actions. (`kubeward encryption` reads etcd through the same
 * src/etcd/client.ts.)
 */
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { SEVERITIES } from '../model/finding.js';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from './errors.js';
import { contextFrom, positiveInt, PROBE_FORMATS, renderProbeOutput } from './probe.js';

const FIREWALL_FORMATS = ['nftables', 'iptables', 'networkpolicy', 'calico'] as const;

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s.length > 0)];
}

function port(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`${option} must be a port number (1-65535), got "${value}"`);
    return n;
  };
}

export function registerEtcd(program: Command): void {
  const etcd = new Command('etcd').copyInheritedSettings(program).description('etcd: live check of a cluster, and firewall rules that keep it reachable only by the API servers');

  etcd.addCommand(
    new Command('check')
      .copyInheritedSettings(program)
      .description('member list, versions, alarms, database size, URL schemes, and the unauthenticated probes against every member')
      .requiredOption('--endpoints <urls>', 'etcd client URLs, comma-separated (e.g. https://10.0.0.5:2379)', list)
      .option('--cacert <file>', "CA that signed etcd's serving certificate (needed for https)")
      .option('--cert <file>', 'client certificate etcd accepts (e.g. apiserver-etcd-client.crt)')
      .option('--key <file>', 'key for --cert')
      .option('--cluster-ca-cert <file>', 'the Kubernetes cluster CA certificate, for the CA-separation probe')
      .option('--cluster-ca-key <file>', 'the cluster CA key (used in memory only)')
      .option('--timeout <ms>', 'time budget per call or probe', positiveInt('--timeout'), 5000)
      .option('--no-probe', 'skip the unauthenticated probes')
      .addOption(new Option('--format <format>', 'output format').choices(PROBE_FORMATS).default('text' as const))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('high' as const))
      .action(async (o) => {
        const { checkEtcd, EtcdUnreachableError, ETCD_CHECK_FINDINGS } = await import('../etcd/check.js');
        const { EtcdCredentialsError } = await import('../etcd/client.js');
        // grpc-js sets the TLS server name to the IP of an https://IP endpoint; Node warns (DEP0123) on every connection
        process.noDeprecation = true;
        const ctx = await contextFrom(o);
        let result;
        try {
          const conn = { endpoints: o.endpoints, ...(o.cacert ? { cacert: o.cacert } : {}), ...(o.cert ? { cert: o.cert } : {}), ...(o.key ? { key: o.key } : {}), timeoutMs: o.timeout };
          result = await checkEtcd(conn, ctx, { probe: o.probe });
        } catch (e) {
          if (e instanceof EtcdUnreachableError || e instanceof EtcdCredentialsError) throw new InputError(e.message);
          throw e;
        }
        const { memberTable } = await import('../etcd/report.js');
        const out = await renderProbeOutput(result.probes, o.format, {
          target: o.endpoints.join(', '),
          failOn: o.failOn,
          extraFindings: result.findings.filter((f) => f.evidence.source === 'etcd'),
          rules: Object.values(ETCD_CHECK_FINDINGS),
          extraJson: { etcd: { clusterId: result.clusterId, members: result.members, alarms: result.alarms } },
          preface: memberTable(result),
        });
        process.stdout.write(out.text);
        process.exitCode = out.failed ? EXIT_FINDINGS : EXIT_OK;
      }),
  );

  etcd.addCommand(
    new Command('firewall')
      .copyInheritedSettings(program)
      .description('rules so that 2379 is reachable only from the API servers (and etcd members), 2380 only from members, metrics only from monitoring')
      .requiredOption('--apiservers <ips>', 'API server addresses or CIDRs, comma-separated (repeatable)', list)
      .requiredOption('--peers <ips>', 'etcd member addresses or CIDRs, this member included (repeatable)', list)
      .option('--monitoring <cidrs>', 'who may scrape the metrics port (default: nobody but loopback)', list)
      .option('--client-port <port>', 'etcd client port', port('--client-port'), 2379)
      .option('--peer-port <port>', 'etcd peer port', port('--peer-port'), 2380)
      .option('--metrics-port <port>', 'etcd metrics port (--listen-metrics-urls)', port('--metrics-port'), 2381)
      .addOption(new Option('--format <format>', 'rule format').choices(FIREWALL_FORMATS).default('nftables' as const))
      .option('--diff <file>', "compare with the rules in place: a file or - for stdin (`nft list table inet kubeward_etcd`, `iptables-save; ip6tables-save`, or YAML); exit 1 when they differ")
      .action(async (o) => {
        const { firewallSpec, renderFirewall } = await import('../etcd/firewall.js');
        let spec;
        try {
          spec = firewallSpec({ apiservers: o.apiservers, peers: o.peers, monitoring: o.monitoring ?? [], ports: { client: o.clientPort, peer: o.peerPort, metrics: o.metricsPort } });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        const rules = renderFirewall(spec, o.format);
        if (o.diff === undefined) {
          process.stdout.write(rules);
          process.exitCode = EXIT_OK;
          return;
        }
        const { diffFirewall } = await import('../etcd/firewall-diff.js');
        const current = await readDiffInput(o.diff);
        const d = diffFirewall(spec, o.format, rules, current);
        process.stdout.write(d.same ? 'The rules in place match the generated rules.\n' : `${d.lines.join('\n')}\n`);
        process.exitCode = d.same ? EXIT_OK : EXIT_FINDINGS;
      }),
  );
  program.addCommand(etcd);
}

async function readDiffInput(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`--diff ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
