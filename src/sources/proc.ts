/**
 * Running components on a live node: /proc/<pid>/cmdline (NUL-separated argv) and, for etcd and
 * flanneld, /proc/<pid>/environ. What runs wins over what files say; a flag that runs with the same
 * value as a file says keeps the file's line as its evidence.
 */
import { readlinkSync } from 'node:fs';
import type { Component, FlagSetting, Location } from '../model/control-plane.js';
import { parseFlags, type Arg } from './flags.js';
import { hostPathOf, listDir, readBytes, type NodeContext } from './node-fs.js';
import { ENV_PREFIX, settingsEnv, type ServiceComponent } from './services.js';
import { componentArgs } from './static-pod.js';
import type { Env } from './systemd.js';

function nulSplit(bytes: Buffer): string[] {
  const parts = bytes.toString('utf8').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Every control-plane process under `proc/`, as components of origin "process". */
export function readProcesses(ctx: NodeContext): ServiceComponent[] {
  const out: ServiceComponent[] = [];
  const pids = (listDir(ctx, 'proc') ?? []).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
  for (const pid of pids) {
    const file = `proc/${pid}/cmdline`;
    const r = readBytes(ctx, file);
    if (!r.ok || r.bytes.length === 0) continue;
    const at: Location = { kind: 'proc', pid: Number(pid), file };
    const argv: Arg[] = nulSplit(r.bytes).map((text) => ({ text, at }));
    const found = componentArgs(argv);
    if (!found) continue;
    const component: Component = {
      kind: found.kind,
      host: ctx.host,
      name: `${found.kind}-${ctx.host}`,
      origin: 'process',
      at,
      flags: parseFlags(found.args, found.kind).flags,
      env: {},
      mounts: [],
    };
    if (ENV_PREFIX[found.kind]) {
      const envFile = `proc/${pid}/environ`;
      const e = readBytes(ctx, envFile);
      const env: Env = {};
      for (const kv of e.ok ? nulSplit(e.bytes) : []) {
        const eq = kv.indexOf('=');
        if (eq <= 0) continue;
        const envAt: Location = { kind: 'proc', pid: Number(pid), file: envFile };
        const name = kv.slice(0, eq);
        env[name] = { name, value: kv.slice(eq + 1), at: envAt, occurrences: [{ value: kv.slice(eq + 1), at: envAt }] };
      }
      component.env = settingsEnv(found.kind, env);
    }
    let cwd = '/';
    try {
      cwd = readlinkSync(hostPathOf(ctx, `proc/${pid}/cwd`));
    } catch {
      // not readable (another user's process) or not present in a copied tree: systemd's default
    }
    out.push({ component, cwd });
  }
  return out;
}

function sameValues(a: FlagSetting, b: FlagSetting): boolean {
  return a.occurrences.length === b.occurrences.length && a.occurrences.every((o, i) => o.value === b.occurrences[i]!.value);
}

/** The settings that run, keeping the file's evidence where the file says the same. */
function mergeSettings(running: Record<string, FlagSetting>, written: Record<string, FlagSetting>): Record<string, FlagSetting> {
  const out: Record<string, FlagSetting> = {};
  for (const [name, s] of Object.entries(running)) {
    const w = written[name];
    out[name] = w && sameValues(w, s) ? w : s;
  }
  return out;
}

/**
 * Folds running processes into the components read from files: a process replaces the flags of the
 * first file-defined component of its kind; a process with no such component is added as is.
 */
export function mergeProcesses(components: ServiceComponent[], processes: ServiceComponent[]): ServiceComponent[] {
  const out = [...components];
  const taken = new Set<ServiceComponent>();
  for (const p of processes) {
    const match = out.find((c) => c.component.kind === p.component.kind && !taken.has(c) && c.component.origin !== 'process');
    if (!match) {
      out.push(p);
      taken.add(p);
      continue;
    }
    taken.add(match);
    const c = match.component;
    c.flags = mergeSettings(p.component.flags, c.flags);
    if (ENV_PREFIX[c.kind]) c.env = mergeSettings(p.component.env, c.env);
    match.cwd = p.cwd;
  }
  return out;
}
