/**
 * The options of `oidc login` and `oidc logout` as data, read by two parsers: commander builds the
 * commands from this table (src/cli/oidc.ts), and the cached-token fast path (src/cli/oidc-login-cached.ts,
 * which bin/kubeward.js runs for `oidc login` because kubectl calls it before every command) parses
 * argv from the same table with node:util's parseArgs. The fast parser is strict and answers only
 * argv it reads exactly as commander would (test/oidc/login-fast-path.test.ts compares the two);
 * anything else goes to the full CLI. Imports nothing at run time: it is on every kubectl call.
 */
import type { LoginOptions } from '../oidc/login.js';
import type { CacheKey } from '../oidc/token-cache.js';

export interface OptionSpec {
  /** commander's flags text: `--name` (a switch), `--no-name` (a negated switch) or `--name <value>` */
  flags: `--${string}`;
  description: string;
  mandatory?: true;
  default?: string | boolean;
  choices?: readonly string[];
  /** every occurrence is split on commas and spaces and the pieces collected (see `collectList`) */
  list?: true;
}

/** What commander's `opts()` holds after parsing: attribute name → value. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** The options that name a token cache entry (issuer + client + scopes), shared by login, logout and setup. */
export const CACHE_KEY_OPTIONS: readonly OptionSpec[] = [
  { flags: '--issuer <url>', description: "the OIDC issuer URL (exactly as in the API server's configuration)", mandatory: true },
  { flags: '--client-id <id>', description: 'the OAuth client ID (the API server audience)', mandatory: true },
  { flags: '--scope <scope>', description: 'an extra scope to request besides openid (repeatable)', list: true },
  { flags: '--token-cache-dir <dir>', description: 'where tokens are cached (default ~/.kube/cache/kubeward-oidc)' },
];

export const EXEC_API_VERSION_CHOICES = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;

export const LOGIN_OPTIONS: readonly OptionSpec[] = [
  ...CACHE_KEY_OPTIONS,
  { flags: '--client-secret <secret>', description: 'client secret, for a confidential client (prefer a public client)' },
  { flags: '--ca-file <file>', description: "CA that signed the issuer's HTTPS certificate" },
  { flags: '--grant <grant>', description: 'how to log in', choices: ['auth-code', 'device-code'], default: 'auth-code' },
  { flags: '--listen <addr>', description: 'loopback address for the auth-code redirect', default: '127.0.0.1:0' },
  { flags: '--open-browser', description: 'open the login URL in a browser (default: when kubectl runs interactively)' },
  { flags: '--no-browser', description: 'never open a browser; only print the URL' },
  { flags: '--force-refresh', description: 'ignore a cached ID token that is still valid', default: false },
  { flags: '--api-version <v>', description: 'ExecCredential apiVersion when KUBERNETES_EXEC_INFO is not set', choices: EXEC_API_VERSION_CHOICES },
];

/** `--scope a,b --scope c` → [a, b, c]: the argParser commander calls per occurrence. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(/[ ,]/).filter((x) => x.length > 0)];
}

/** The long option name without dashes: `--client-id <id>` → `client-id`. */
export function longName(spec: OptionSpec): string {
  return spec.flags.split(' ')[0]!.slice(2);
}

export function takesValue(spec: OptionSpec): boolean {
  return spec.flags.includes(' <');
}

function negated(spec: OptionSpec): boolean {
  return longName(spec).startsWith('no-');
}

/** commander's Option.attributeName(): `--client-id` → clientId, `--no-browser` → browser. */
export function attributeName(spec: OptionSpec): string {
  return longName(spec)
    .replace(/^no-/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function defaultOf(spec: OptionSpec): string | boolean | undefined {
  // commander: a lone --no-x defaults x to true
  return spec.default ?? (negated(spec) ? true : undefined);
}

/**
 * Every occurrence of each option (by long name, in order) turned into what commander's opts() would
 * hold; undefined where commander would refuse the command line (a value outside its choices, a
 * mandatory option missing).
 */
export function commanderValues(specs: readonly OptionSpec[], occurrences: Record<string, (string | boolean)[]>): OptionValues | undefined {
  const out: OptionValues = {};
  for (const spec of specs) {
    const given = occurrences[longName(spec)] ?? [];
    const key = attributeName(spec);
    if (given.length === 0) {
      const d = defaultOf(spec);
      if (d === undefined && spec.mandatory) return undefined;
      if (d !== undefined) out[key] = d;
      continue;
    }
    if (!takesValue(spec)) {
      out[key] = !negated(spec);
      continue;
    }
    const values = given.filter((v): v is string => typeof v === 'string');
    if (spec.choices && values.some((v) => !spec.choices!.includes(v))) return undefined;
    out[key] = spec.list ? values.reduce<string[] | undefined>((acc, v) => collectList(v, acc), undefined) : values[values.length - 1];
  }
  return out;
}

function text(values: OptionValues, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function scopesOf(extra: OptionValues[string]): string[] {
  return ['openid', ...(Array.isArray(extra) ? extra : []).filter((s) => s !== 'openid')];
}

/** The cache key and directory the parsed options name (login, logout, setup). */
export function cacheKeyOf(values: OptionValues): CacheKey & { cacheDir?: string } {
  const cacheDir = text(values, 'tokenCacheDir');
  return { issuer: text(values, 'issuer') ?? '', clientId: text(values, 'clientId') ?? '', scopes: scopesOf(values.scope), ...(cacheDir !== undefined ? { cacheDir } : {}) };
}

/** The LoginOptions of parsed `oidc login` options: one mapping for commander's action and the fast path. */
export function loginOptionsOf(values: OptionValues, say: (line: string) => void): LoginOptions {
  const clientSecret = text(values, 'clientSecret');
  const caFile = text(values, 'caFile');
  const apiVersion = text(values, 'apiVersion');
  return {
    ...cacheKeyOf(values),
    grant: values.grant === 'device-code' ? 'device-code' : 'auth-code',
    listen: text(values, 'listen') ?? '127.0.0.1:0',
    forceRefresh: values.forceRefresh === true,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(values.browser === false ? { openBrowser: false } : values.openBrowser === true ? { openBrowser: true } : {}),
    say,
  };
}
