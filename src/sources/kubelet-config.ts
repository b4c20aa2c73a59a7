/**
 * Component config files merged as the component merges them: the kubelet's --config plus its
 * --config-dir drop-ins (cmd/kubelet/app/server.go loadConfigFile / mergeKubeletConfigurations: `*.conf`
 * files in alphanumeric order, each decoded over the previous result, so later files win per field
 * and lists are replaced), and etcd's --config-file.
 */
import { posix } from 'node:path';
import type { Component, ComponentConfig, ConfigField } from '../model/control-plane.js';
import { flattenConfig } from './flatten.js';
import { addProblem, listDir, readText, toDisplay, type About, type NodeContext } from './node-fs.js';
import { lineAt, parseDocuments } from './yaml-doc.js';

/** One config file flattened with the line of each field; undefined (and a problem) when unreadable or malformed. */
export function readConfigFields(ctx: NodeContext, file: string, about: About, optional = false): Record<string, ConfigField> | undefined {
  const text = readText(ctx, file, about, optional);
  if (text === undefined) return undefined;
  const parsed = parseDocuments(text);
  if (!parsed.ok) {
    const { line, col, message } = parsed.error;
    addProblem(ctx, about, `${file}:${line ?? 1}:${col ?? 1}: ${message}`, file, line);
    return undefined;
  }
  const doc = parsed.docs[0];
  if (!doc) return {};
  return flattenConfig(doc.value, (p) => {
    const line = lineAt(doc.lines, p);
    return line === undefined ? { kind: 'file', file } : { kind: 'file', file, line };
  });
}

/** Where a path given on a command line points, for a process started in `cwd`. */
export function resolveFrom(cwd: string, path: string): string {
  return toDisplay(posix.isAbsolute(path) ? path : posix.join(cwd, path));
}

/**
 * The kubelet's merged config. A relative --config is relative to the kubelet's working directory
 * (systemd: WorkingDirectory=, default "/"), as the kubelet opens it without rewriting the path.
 */
export function readKubeletConfig(ctx: NodeContext, kubelet: Component, cwd: string): void {
  const about: About = { component: kubelet.name, practice: 'tls', flag: '--config' };
  const configFlag = kubelet.flags.config;
  if (!configFlag || configFlag.value === '') return;
  const file = resolveFrom(cwd, configFlag.value);
  const reported = ctx.problems.length;
  const fields = readConfigFields(ctx, file, about, true);
  if (!fields) {
    // unreadable or malformed files are already reported; a missing one is reported where --config is set
    const at = configFlag.at;
    if (ctx.problems.length === reported) addProblem(ctx, about, `${at.file ?? at.kind}${at.line ? `:${at.line}` : ''}: kubelet --config ${configFlag.value} names ${file}, which does not exist; the kubelet would not start, and its config settings are unknown`, at.file, at.line);
    return;
  }
  const config: ComponentConfig = { file, dropIns: [], fields };
  const dirFlag = kubelet.flags['config-dir'];
  if (dirFlag && dirFlag.value !== '') {
    const dir = resolveFrom(cwd, dirFlag.value);
    const names = listDir(ctx, dir, { ...about, flag: '--config-dir' });
    for (const name of (names ?? []).filter((n) => n.endsWith('.conf'))) {
      const dropIn = `${dir}/${name}`;
      const more = readConfigFields(ctx, dropIn, { ...about, flag: '--config-dir' });
      if (!more) continue;
      config.dropIns.push(dropIn);
      removeReplacedMaps(config.fields, more);
      Object.assign(config.fields, more);
    }
  }
  kubelet.config = config;
}

/**
 * A drop-in that sets a field to a scalar or list replaces what an earlier file had below that field
 * (JSON decoding replaces non-map values whole).
 */
function removeReplacedMaps(fields: Record<string, ConfigField>, more: Record<string, ConfigField>): void {
  for (const key of Object.keys(more)) {
    for (const old of Object.keys(fields)) if (old.startsWith(`${key}.`)) delete fields[old];
  }
}
