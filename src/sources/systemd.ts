/**
 * systemd service units as systemd reads them (man systemd.unit, systemd.service, systemd.exec):
 * the unit from the first unit directory that has it, drop-ins `<name>.d/*.conf` from every unit
 * directory merged by file name in lexical order, backslash line continuations, `ExecStart=` with an
 * empty value resetting earlier ones, `Environment=` then `EnvironmentFile=` (files override,
 * optional with a leading "-"), and variable expansion in the command line: `$VAR` as a word of its
 * own splits into words, `${VAR}` is replaced in place.
 */
import type { FlagSetting, Location } from '../model/control-plane.js';
import type { Arg } from './flags.js';
import { addProblem, listDir, readText, toDisplay, type About, type NodeContext } from './node-fs.js';

/** Unit directories from the highest priority down (systemd.unit "Unit File Load Path"). */
const UNIT_DIRS = ['etc/systemd/system', 'run/systemd/system', 'usr/local/lib/systemd/system', 'usr/lib/systemd/system', 'lib/systemd/system'];

export interface UnitEntry {
  section: string;
  key: string;
  value: string;
  file: string;
  line: number;
  /** physical line of each character of `value` (continuation lines join into one value) */
  lineOf: (offset: number) => number;
}

/** Parses a unit file into its assignments, in order. */
export function parseUnit(text: string, file: string): UnitEntry[] {
  const out: UnitEntry[] = [];
  const lines = text.split(/\r?\n/);
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#') || first.startsWith(';')) continue;
    if (first.startsWith('[') && first.endsWith(']')) {
      section = first.slice(1, -1);
      continue;
    }
    const eq = first.indexOf('=');
    if (eq < 0) continue;
    const start = i + 1;
    // segments: [offset in value where a physical line starts, that line]
    const segments: [number, number][] = [[0, start]];
    let value = first.slice(eq + 1).trimStart();
    while (value.endsWith('\\') && i + 1 < lines.length) {
      value = `${value.slice(0, -1).trimEnd()} `;
      i++;
      const next = lines[i]!;
      const t = next.trim();
      // systemd ignores comment lines inside a continued line
      if (t.startsWith('#') || t.startsWith(';')) {
        value = `${value.slice(0, -1)}\\`;
        continue;
      }
      segments.push([value.length, i + 1]);
      value += t;
    }
    value = value.trim();
    out.push({
      section,
      key: first.slice(0, eq).trim(),
      value,
      file,
      line: start,
      lineOf: (offset) => {
        let l = start;
        for (const [o, ln] of segments) if (offset >= o) l = ln;
        return l;
      },
    });
  }
  return out;
}

interface RawWord {
  text: string;
  start: number;
  /** the unquoted word was exactly `$NAME` (split into words on expansion) */
  bareVar?: string;
}

/** Splits a command line or assignment list into words: quotes, backslash escapes (systemd extract_first_word). */
export function splitWords(s: string): RawWord[] {
  const words: RawWord[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    let text = '';
    let quote: string | undefined;
    let quoted = false;
    for (; i < s.length; i++) {
      const ch = s[i]!;
      if (quote) {
        if (ch === quote) quote = undefined;
        else if (ch === '\\' && i + 1 < s.length) text += unescape(s[++i]!);
        else text += ch;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
        quoted = true;
      } else if (ch === '\\' && i + 1 < s.length) {
        text += unescape(s[++i]!);
      } else if (/\s/.test(ch)) {
        break;
      } else {
        text += ch;
      }
    }
    const w: RawWord = { text, start };
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
    if (!quoted && m) w.bareVar = m[1]!;
    words.push(w);
  }
  return words;
}

function unescape(ch: string): string {
  return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[ch] ?? ch;
}

export type Env = Record<string, FlagSetting>;

function setEnv(env: Env, name: string, value: string, at: Location): void {
  const prev = env[name];
  env[name] = { name, value, at, occurrences: [...(prev?.occurrences ?? []), { value, at }] };
}

/** Parses an environment file (systemd.exec EnvironmentFile=; also /etc/default and sysconfig files). */
export function parseEnvFile(text: string, file: string, env: Env = {}): Env {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim();
    line = line.replace(/^export\s+/, '');
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq).trim();
    const raw = line.slice(eq + 1).trim();
    let value: string;
    if ((raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) || (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2)) {
      value = raw.slice(1, -1);
      if (raw.startsWith('"')) value = value.replace(/\\(["\\$`])/g, '$1');
    } else {
      value = raw.replace(/\s+#.*$/, '');
    }
    setEnv(env, name, value, { kind: 'env', file, line: lineNo });
  }
  return env;
}

export interface ServiceUnit {
  name: string;
  /** the unit file (or the first drop-in when only drop-ins exist) */
  file: string;
  /** every file read, in merge order */
  files: string[];
  entries: UnitEntry[];
}

/** Finds and reads a service unit with its drop-ins; undefined when no unit directory has it. */
export function readUnit(ctx: NodeContext, name: string, about: About): ServiceUnit | undefined {
  let main: string | undefined;
  const dropIns = new Map<string, string>();
  for (const dir of UNIT_DIRS) {
    if (!main && listDir(ctx, dir)?.includes(name)) main = `${dir}/${name}`;
    for (const f of listDir(ctx, `${dir}/${name}.d`) ?? []) {
      if (f.endsWith('.conf') && !dropIns.has(f)) dropIns.set(f, `${dir}/${name}.d/${f}`);
    }
  }
  const files = [...(main ? [main] : []), ...[...dropIns.keys()].sort().map((k) => dropIns.get(k)!)];
  if (files.length === 0) return undefined;
  const entries: UnitEntry[] = [];
  for (const f of files) {
    const text = readText(ctx, f, about);
    if (text !== undefined) entries.push(...parseUnit(text, f));
  }
  return { name, file: files[0]!, files, entries };
}

export interface ServiceCommand {
  /** the executable and its arguments, each with where it was written */
  argv: Arg[];
  /** the ExecStart= line that won */
  at: Location;
  env: Env;
  workingDirectory: string;
}

/**
 * The effective ExecStart of a service with its environment expanded. Environment files are read
 * from the node; a missing one is a problem unless marked optional with "-".
 */
export function serviceCommand(ctx: NodeContext, unit: ServiceUnit, about: About): ServiceCommand | undefined {
  let exec: UnitEntry | undefined;
  const env: Env = {};
  let envFiles: { path: string; optional: boolean; at: UnitEntry }[] = [];
  let workingDirectory = '/';
  for (const raw of unit.entries) {
    if (raw.section !== 'Service') continue;
    const e = { ...raw, value: specifiers(raw.value, unit.name) };
    const at: Location = { kind: 'unit', file: e.file, line: e.line };
    if (e.key === 'ExecStart') exec = e.value === '' ? undefined : e;
    else if (e.key === 'Environment') {
      for (const w of splitWords(e.value)) {
        const eq = w.text.indexOf('=');
        if (eq > 0) setEnv(env, w.text.slice(0, eq), w.text.slice(eq + 1), { ...at, line: e.lineOf(w.start) });
      }
    } else if (e.key === 'EnvironmentFile') {
      if (e.value === '') envFiles = [];
      else for (const w of splitWords(e.value)) envFiles.push({ path: w.text.replace(/^-/, ''), optional: w.text.startsWith('-'), at: e });
    } else if (e.key === 'WorkingDirectory' && e.value !== '') {
      workingDirectory = e.value.replace(/^-/, '');
    }
  }
  for (const f of envFiles) {
    // systemd.exec: settings from environment files override Environment=
    const display = toDisplay(f.path);
    const reported = ctx.problems.length;
    const text = readText(ctx, display, about, true);
    if (text !== undefined) parseEnvFile(text, display, env);
    else if (!f.optional && ctx.problems.length === reported) addProblem(ctx, about, `${unit.name}: EnvironmentFile=${f.path} (${f.at.file}:${f.at.line}) cannot be read; systemd would refuse to start the service`, f.at.file, f.at.line);
  }
  if (!exec) return undefined;
  const argv = expandCommand(exec, env);
  if (argv[0]) argv[0] = { ...argv[0], text: argv[0].text.replace(/^[-@+!:]+/, '') };
  return { argv, at: { kind: 'unit', file: exec.file, line: exec.line }, env, workingDirectory };
}

/** Unit specifiers (systemd.unit "Specifiers"): Debian's etcd.service reads `EnvironmentFile=-/etc/default/%p`. */
export function specifiers(value: string, unitName: string): string {
  const full = unitName;
  const noSuffix = full.replace(/\.[^.]+$/, '');
  const at = noSuffix.indexOf('@');
  const prefix = at >= 0 ? noSuffix.slice(0, at) : noSuffix;
  const instance = at >= 0 ? noSuffix.slice(at + 1) : '';
  const map: Record<string, string> = { n: full, N: noSuffix, p: prefix, i: instance, I: instance, '%': '%' };
  return value.replace(/%([nNpiI%])/g, (_m, k: string) => map[k]!);
}

/** ExecStart words with `$VAR` / `${VAR}` expanded; expanded words carry where the variable was set. */
export function expandCommand(exec: UnitEntry, env: Env): Arg[] {
  const out: Arg[] = [];
  const own = (start: number): Location => ({ kind: 'unit', file: exec.file, line: exec.lineOf(start) });
  for (const w of splitWords(exec.value)) {
    if (w.bareVar) {
      const v = env[w.bareVar];
      if (v) for (const part of splitWords(v.value)) out.push({ text: part.text, at: v.at });
      continue;
    }
    let from: Location | undefined;
    const text = w.text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a: string | undefined, b: string | undefined) => {
      if (m === '$$') return '$';
      const v = env[(a ?? b)!];
      if (v && !from) from = v.at;
      return v?.value ?? '';
    });
    out.push({ text, at: from ?? own(w.start) });
  }
  return out;
}
