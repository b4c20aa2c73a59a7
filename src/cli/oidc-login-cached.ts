/**
 * The fast path of `kubeward oidc login`, which bin/kubeward.js tries before loading the CLI: kubectl
 * runs the plugin before every command, and with a fresh ID token in the cache the answer is one file
 * read. Loading commander and every command group would cost more than the rest of the process.
 * Parses argv from the same option table as commander (src/cli/oidc-options.ts) and answers only what
 * the full command would answer the same way; everything else returns undefined and the full CLI runs:
 * argv this strict parser does not read exactly as commander does (unknown or malformed options,
 * --help), --force-refresh, no fresh token, or an error (the full CLI reports it the usual way).
 */
import { writeSync } from 'node:fs';
import { cachedCredential } from '../oidc/login.js';
import { commanderValues, LOGIN_OPTIONS, loginOptionsOf, longName, takesValue, type OptionValues } from './oidc-options.js';

const SPECS = new Map(LOGIN_OPTIONS.map((spec) => [longName(spec), spec]));

/**
 * The `oidc login` options after `login` in argv as commander's opts() would hold them, or undefined.
 * Reads only the plain forms `--name`, `--name value` and `--name=value` of the table's options;
 * anything else (short options, positionals, `--`, a value that starts with "-", `--switch=x`) is left
 * to commander. Hand-written rather than node:util's parseArgs, whose loading alone costs this path
 * about 8M instructions.
 */
export function parseLoginArgs(args: readonly string[]): OptionValues | undefined {
  const seen: Record<string, (string | boolean)[]> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) return undefined;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = SPECS.get(name);
    if (!spec) return undefined;
    let value: string | boolean = true;
    if (takesValue(spec)) {
      const next = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (next === undefined || (eq < 0 && next.startsWith('-'))) return undefined;
      value = next;
    } else if (eq >= 0) return undefined;
    (seen[name] ??= []).push(value);
  }
  return commanderValues(LOGIN_OPTIONS, seen);
}

/** The ExecCredential text for stdout when the cache answers, else undefined (run the full CLI). */
export function cachedLogin(args: string[]): string | undefined {
  const values = parseLoginArgs(args);
  if (!values) return undefined;
  try {
    return cachedCredential(loginOptionsOf(values, () => undefined));
  } catch {
    return undefined;
  }
}

/**
 * Prints the cached ExecCredential on stdout and returns true, or returns false (run the full CLI).
 * Writes to fd 1 directly: setting up process.stdout for a pipe (kubectl reads the plugin through
 * one) costs more than the rest of this module.
 */
export function printCachedLogin(args: string[]): boolean {
  const text = cachedLogin(args);
  if (text === undefined) return false;
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(1, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // EPIPE: kubectl stopped reading, nothing left to do; EAGAIN: a non-blocking pipe is full, try again
      if (code === 'EPIPE') return true;
      if (code !== 'EAGAIN') throw e;
    }
  }
  return true;
}
