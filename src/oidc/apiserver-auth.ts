/**
 * The JWT authenticators of one kube-apiserver from what an operator has at hand: its flags as text,
 * its static-pod manifest, or its AuthenticationConfiguration file. The three become a one-host
 * model so the authn checks' reading (src/checks/authn/jwt-authenticators.ts) is the only one:
 * `oidc check-token` and the checks cannot disagree on what the configuration means.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jwtAuthenticators, type JwtAuthenticator } from '../checks/authn/jwt-authenticators.js';
import type { Component, ControlPlane, Host, Location, NodeFile } from '../model/control-plane.js';
import { nodePathFor } from '../model/effective.js';
import { parseFlags, type Arg } from '../sources/flags.js';
import { componentsOfManifest } from '../sources/static-pod.js';
import { parseDocuments } from '../sources/yaml-doc.js';
import { InputError } from '../cli/errors.js';

const HOST = 'apiserver';

/** Splits a command line the way a POSIX shell does for plain words, backslashes and '…' / "…" quoting. */
export function splitCommandLine(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]!;
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i]!;
    else word = (word ?? '') + ch;
  }
  if (quote) throw new InputError(`--apiserver-flags: unbalanced ${quote}`);
  if (word !== undefined) out.push(word);
  return out;
}

function readDocument(file: string): { value: unknown; lines: Record<string, number> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseDocument(text, file);
}

function parseDocument(text: string, file: string): { value: unknown; lines: Record<string, number> } {
  const parsed = parseDocuments(text);
  if (!parsed.ok) throw new InputError(`${file}${parsed.error.line ? `:${parsed.error.line}` : ''}: ${parsed.error.message}`);
  const doc = parsed.docs[0];
  if (!doc) throw new InputError(`${file}: empty document`);
  return doc;
}

function modelOf(c: Component, files: Record<string, NodeFile>): { cp: ControlPlane; host: Host } {
  const host: Host = { name: HOST, root: '/', components: [c], files, cni: [], addresses: [] };
  return { cp: { hosts: [host], problems: [], partial: [] }, host };
}

function configFile(c: Component, path: string, text: string | undefined): Record<string, NodeFile> {
  const doc = text === undefined ? readDocument(path) : parseDocument(text, path);
  if (typeof doc.value !== 'object' || doc.value === null || (doc.value as { kind?: unknown }).kind !== 'AuthenticationConfiguration') {
    throw new InputError(`${path}: not an AuthenticationConfiguration (kind must be AuthenticationConfiguration)`);
  }
  const display = nodePathFor(c, resolve(path));
  return { [display]: { path: display, exists: true, type: 'file', document: doc.value, lines: doc.lines } };
}

export interface ApiserverAuthInput {
  /** the kube-apiserver command line (flags only, or with the program name first) */
  flags?: string;
  /** a kube-apiserver static-pod manifest */
  manifest?: string;
  /** an AuthenticationConfiguration file (alone, or the file the flags/manifest name) */
  authenticationConfig?: string;
  /** the text of an AuthenticationConfiguration not (yet) in a file, e.g. one `oidc setup` generated; `authenticationConfig` names it */
  authenticationConfigText?: string;
}

/** The JWT authenticators the given configuration defines; throws InputError on unreadable input. */
export function apiserverJwtAuthenticators(input: ApiserverAuthInput): JwtAuthenticator[] {
  let c: Component;
  if (input.manifest !== undefined) {
    const doc = readDocument(input.manifest);
    const found = componentsOfManifest(doc, input.manifest, HOST).find((x) => x.kind === 'kube-apiserver');
    if (!found) throw new InputError(`${input.manifest}: no kube-apiserver container in this manifest`);
    c = found;
  } else {
    const at: Location = { kind: 'file', file: '--apiserver-flags' };
    const words = splitCommandLine(input.flags ?? '');
    const args: Arg[] = words.filter((w, i) => !(i === 0 && w.endsWith('kube-apiserver'))).map((text) => ({ text, at }));
    c = { kind: 'kube-apiserver', host: HOST, name: 'kube-apiserver', origin: 'process', at, flags: parseFlags(args, 'kube-apiserver').flags, env: {}, mounts: [] };
  }
  if (input.authenticationConfig !== undefined) {
    // the file given on our command line stands for the one the API server reads
    const at: Location = { kind: 'file', file: '--authentication-config' };
    const value = resolve(input.authenticationConfig);
    c = { ...c, mounts: [], flags: { ...c.flags, 'authentication-config': { name: 'authentication-config', value, at, occurrences: [{ value, at }] } } };
    const { cp, host } = modelOf(c, configFile(c, value, input.authenticationConfigText));
    return jwtAuthenticators(cp, host, c);
  }
  const named = c.flags['authentication-config']?.value;
  if (named) throw new InputError(`the API server reads --authentication-config=${named}: pass that file with --authentication-config FILE`);
  const { cp, host } = modelOf(c, {});
  return jwtAuthenticators(cp, host, c);
}
