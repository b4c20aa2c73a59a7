/**
 * Components run as host services: the kubelet, an external etcd and flanneld from their systemd
 * units (flags from ExecStart, ETCD_* / FLANNELD_* from Environment= and EnvironmentFile=), and,
 * where no unit exists, from the distribution's environment and config files (etc/etcd/etcd.conf,
 * etc/default/etcd, etc/etcd/*.conf.yml, run/flannel/options.env).
 */
import type { Component, ComponentKind } from '../model/control-plane.js';
import { isBooleanFlag, normalizeBool, parseFlags } from './flags.js';
import { listDir, readText, type About, type NodeContext } from './node-fs.js';
import { componentArgs } from './static-pod.js';
import { parseEnvFile, readUnit, serviceCommand, type Env } from './systemd.js';

export interface ServiceComponent {
  component: Component;
  /** the process's working directory (relative --config paths resolve against it) */
  cwd: string;
}

/** The environment prefix a component reads its settings from (etcd/flanneld pkg/flags: flag "a-b" ↔ PREFIX_A_B). */
export const ENV_PREFIX: Partial<Record<ComponentKind, string>> = { etcd: 'ETCD_', flanneld: 'FLANNELD_' };

export function settingsEnv(kind: ComponentKind, env: Env): Env {
  const prefix = ENV_PREFIX[kind];
  if (!prefix) return {};
  const out: Env = {};
  for (const [name, setting] of Object.entries(env)) {
    if (!name.startsWith(prefix)) continue;
    // the variable sets the flag, so a boolean flag's value reads as the flag would (etcd pkg/flags)
    const flag = name.slice(prefix.length).toLowerCase().replace(/_/g, '-');
    out[name] = isBooleanFlag(kind, flag) ? { ...setting, value: normalizeBool(setting.value) } : setting;
  }
  return out;
}

/** A component from a systemd unit, when a unit directory has `<unit>`. */
export function componentFromUnit(ctx: NodeContext, unitName: string, kind: ComponentKind): ServiceComponent | undefined {
  const about: About = { component: unitName.replace(/\.service$/, ''), practice: kind === 'etcd' ? 'etcd' : 'tls' };
  const unit = readUnit(ctx, unitName, about);
  if (!unit) return undefined;
  const cmd = serviceCommand(ctx, unit, about);
  const found = cmd ? componentArgs(cmd.argv) : undefined;
  // a wrapper script in ExecStart still passes its arguments on to the component
  const args = found?.args ?? cmd?.argv.slice(1) ?? [];
  const component: Component = {
    kind,
    host: ctx.host,
    name: about.component!,
    origin: 'systemd',
    at: cmd?.at ?? { kind: 'unit', file: unit.file },
    flags: parseFlags(args, kind).flags,
    env: settingsEnv(kind, cmd?.env ?? {}),
    mounts: [],
  };
  return { component, cwd: cmd?.workingDirectory ?? '/' };
}

/** Environment files that configure a service when no unit names them (package defaults). */
const ENV_FILES: Partial<Record<ComponentKind, string[]>> = {
  etcd: ['etc/default/etcd', 'etc/etcd/etcd.conf'],
  flanneld: ['run/flannel/options.env'],
};

/** A component known only from its environment or config files (no unit, no process). */
export function componentFromFiles(ctx: NodeContext, kind: 'etcd' | 'flanneld'): ServiceComponent | undefined {
  const about: About = { component: kind, practice: kind === 'etcd' ? 'etcd' : 'tls' };
  let env: Env = {};
  let first: string | undefined;
  for (const f of ENV_FILES[kind] ?? []) {
    const text = readText(ctx, f, about, true);
    if (text === undefined) continue;
    first ??= f;
    env = parseEnvFile(text, f, env);
  }
  let configFile: string | undefined;
  if (kind === 'etcd') {
    const names = listDir(ctx, 'etc/etcd') ?? [];
    const yml = names.find((n) => /\.conf\.ya?ml$/.test(n)) ?? names.find((n) => /\.ya?ml$/.test(n));
    if (yml) configFile = `etc/etcd/${yml}`;
  }
  if (!first && !configFile) return undefined;
  const component: Component = {
    kind,
    host: ctx.host,
    name: kind,
    origin: 'config-file',
    at: { kind: first ? 'env' : 'file', file: (first ?? configFile)! },
    flags: {},
    env: settingsEnv(kind, env),
    mounts: [],
  };
  if (configFile && !component.env.ETCD_CONFIG_FILE) {
    // etcd with its config file: the file stands for --config-file
    const at = { kind: 'file' as const, file: configFile };
    component.flags['config-file'] = { name: 'config-file', value: `/${configFile}`, at, occurrences: [{ value: `/${configFile}`, at }] };
  }
  return { component, cwd: '/' };
}
