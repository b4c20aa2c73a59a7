/**
 * Command-line flags parsed the way Go's pflag parses them (spf13/pflag flag.go parseLongArg):
 * `--a=b`, `--a b`, `-a b`, bare booleans, `--a=false`, repeats (the last wins for scalars; every
 * occurrence is kept so StringArray flags can accumulate), and `--` ending the flags.
 * Whether `--a b` takes `b` as the value depends on whether `a` is a boolean flag, which pflag knows
 * from the flag's type; we know it from BOOLEAN_FLAGS below.
 */
import type { ComponentKind, FlagSetting, Location } from '../model/control-plane.js';

export interface Arg {
  text: string;
  at: Location;
}

/** Boolean flags of the control-plane components (upstream options.go files); a bare one means true. */
const BOOLEAN_FLAGS: Record<ComponentKind | 'common', readonly string[]> = {
  common: ['profiling', 'contention-profiling', 'help', 'version', 'alsologtostderr', 'logtostderr', 'add-dir-header', 'skip-headers', 'skip-log-headers', 'one-output', 'log-json-split-stream', 'permit-port-sharing', 'permit-address-sharing', 'enable-contention-profiling', 'disable-http2-serving'],
  'kube-apiserver': [
    'anonymous-auth', 'allow-privileged', 'enable-bootstrap-token-auth', 'service-account-lookup', 'service-account-extend-token-expiration',
    'audit-log-compress', 'audit-log-truncate-enabled', 'audit-webhook-truncate-enabled', 'audit-log-batch-throttle-enable', 'audit-webhook-batch-throttle-enable',
    'enable-aggregator-routing', 'enable-garbage-collector', 'enable-logs-handler', 'enable-priority-and-fairness', 'encryption-provider-config-automatic-reload',
    'kubelet-https', 'watch-cache', 'enable-swagger-ui',
    'oidc-use-pkce',
  ],
  'kube-controller-manager': ['use-service-account-credentials', 'allocate-node-cidrs', 'configure-cloud-routes', 'leader-elect', 'enable-hostpath-provisioner', 'enable-dynamic-provisioning', 'enable-garbage-collector', 'enable-taint-manager', 'authentication-skip-lookup', 'authentication-tolerate-lookup-failure'],
  'kube-scheduler': ['leader-elect', 'authentication-skip-lookup', 'authentication-tolerate-lookup-failure'],
  etcd: [
    'client-cert-auth', 'peer-client-cert-auth', 'auto-tls', 'peer-auto-tls', 'enable-v2', 'enable-pprof', 'strict-reconfig-check', 'force-new-cluster',
    'debug', 'experimental-initial-corrupt-check', 'enable-grpc-gateway', 'pre-vote', 'socket-reuse-port', 'socket-reuse-address',
    'experimental-enable-distributed-tracing', 'experimental-enable-lease-checkpoint', 'experimental-memory-mlock', 'unsafe-no-fsync', 'strict-reconfig',
    'peer-skip-client-san-verification', 'experimental-peer-skip-client-san-verification', 'enable-log-rotation',
  ],
  kubelet: [
    'anonymous-auth', 'authentication-token-webhook', 'rotate-certificates', 'rotate-server-certificates', 'fail-swap-on', 'make-iptables-util-chains', 'protect-kernel-defaults',
    'register-node', 'register-schedulable', 'serialize-image-pulls', 'enable-server', 'enable-debugging-handlers', 'enable-controller-attach-detach', 'exit-on-lock-contention',
    'cgroups-per-qos', 'kernel-memcg-notification', 'keep-terminated-pod-volumes', 'localstorage-capacity-isolation', 'seccomp-default',
    'allow-privileged', 'containerized', 'enable-cadvisor-json-endpoints',
  ],
  flanneld: ['ip-masq', 'kube-subnet-mgr', 'iptables-forward-rules', 'version'],
};

export function isBooleanFlag(kind: ComponentKind | undefined, name: string): boolean {
  return BOOLEAN_FLAGS.common.includes(name) || (kind !== undefined && BOOLEAN_FLAGS[kind].includes(name));
}

/** strconv.ParseBool, which pflag and Go's flag use for boolean flags: "1", "t", "True"... → "true". */
export function normalizeBool(value: string): string {
  if (/^(1|t|T|TRUE|true|True)$/.test(value)) return 'true';
  if (/^(0|f|F|FALSE|false|False)$/.test(value)) return 'false';
  return value;
}

export interface ParsedFlags {
  flags: Record<string, FlagSetting>;
  positional: Arg[];
}

function record(flags: Record<string, FlagSetting>, name: string, value: string, at: Location): void {
  const prev = flags[name];
  const occurrences = prev ? [...prev.occurrences, { value, at }] : [{ value, at }];
  flags[name] = { name, value, at, occurrences };
}

/** Parses component arguments (without the program name). */
export function parseFlags(args: readonly Arg[], kind?: ComponentKind): ParsedFlags {
  const flags: Record<string, FlagSetting> = {};
  const positional: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const text = arg.text;
    if (text === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!text.startsWith('-') || text === '-') {
      positional.push(arg);
      continue;
    }
    const body = text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      const name = body.slice(0, eq);
      const value = body.slice(eq + 1);
      record(flags, name, isBooleanFlag(kind, name) ? normalizeBool(value) : value, arg.at);
      continue;
    }
    const next = args[i + 1];
    // pflag: a boolean flag never consumes the next argument ("NoOptDefVal" is "true"); any other
    // flag takes the next argument as its value. A next argument that is itself a long flag is not
    // taken: our boolean list can lag behind upstream, and no real value starts with "--".
    if (isBooleanFlag(kind, body) || next === undefined || next.text.startsWith('--')) {
      record(flags, body, 'true', arg.at);
    } else {
      record(flags, body, next.text, arg.at);
      i++;
    }
  }
  return { flags, positional };
}
