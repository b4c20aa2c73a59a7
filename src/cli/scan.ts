/**
 * `kubeward scan` and `kubeward graph`. Defines the commands only; the pipeline (src/scan.ts) and the
 * renderers are imported inside the actions so `--help` and other commands do not load them.
 */
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { PRACTICES, SEVERITIES, type Practice } from '../model/finding.js';
import type { ControlPlane } from '../model/control-plane.js';
import type { ScanInputs } from '../scan.js';
import { InputError, UsageError } from './errors.js';

/** Every format `scan --format` accepts; `html` is rendered by src/report/html/ (see the hook in the scan action). */
const FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;
/** Kept here (not imported from src/report/graph-formats.ts) so `--help` loads no renderer. */
const GRAPH_FORMATS = ['text', 'json', 'dot', 'mermaid', 'svg'] as const;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectPractice(value: string, previous: Practice[] | undefined): Practice[] {
  if (!(PRACTICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`Allowed choices are ${PRACTICES.join(', ')}.`);
  return [...(previous ?? []), value as Practice];
}

/**
 * A command with the inputs every cluster-reading command takes (shared/spec/README.md "Inputs").
 * It inherits the program's settings (exitOverride: errors become exit 2 in main.ts, not process.exit).
 */
export function commandWithInputs(program: Command, name: string, description: string) {
  return new Command(name)
    .copyInheritedSettings(program)
    .description(description)
    .option('--node-root <dir>', "a node's file system (repeat for several hosts); default / on a control-plane node", collect)
    .option('--snapshot <dir>', 'a snapshot written by `kubeward collect` (repeatable)', collect)
    .option('--kubeconfig <file>', 'read a live cluster through this kubeconfig')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--kubernetes-version <version>', 'Kubernetes version to judge defaults by (overrides detection), e.g. v1.29.3')
    .option('--rbac <path>', 'RBAC objects (YAML/JSON file or directory) to include (repeatable)', collect);
}

interface InputFlags {
  nodeRoot?: string[];
  snapshot?: string[];
  kubeconfig?: string;
  context?: string;
  kubernetesVersion?: string;
  rbac?: string[];
}

/** The inputs the user gave; with none, the node itself (`--node-root /`) when it is a control-plane node. */
export async function inputsFrom(o: InputFlags): Promise<ScanInputs> {
  const inputs: ScanInputs = { nodeRoots: o.nodeRoot ?? [], snapshots: o.snapshot ?? [], rbac: o.rbac ?? [] };
  if (o.kubeconfig !== undefined) inputs.kubeconfig = o.kubeconfig;
  if (o.context !== undefined) inputs.context = o.context;
  if (o.kubernetesVersion !== undefined) {
    const { parseVersion } = await import('../model/version.js');
    if (!parseVersion(o.kubernetesVersion, '--kubernetes-version')) throw new UsageError(`--kubernetes-version ${o.kubernetesVersion}: not a version (expected e.g. v1.29.3)`);
    inputs.kubernetesVersion = o.kubernetesVersion;
  }
  const given = inputs.nodeRoots.length + inputs.snapshots.length + (inputs.rbac ?? []).length > 0 || o.kubeconfig !== undefined || o.context !== undefined;
  if (!given) {
    if (!existsSync('/etc/kubernetes')) {
      throw new UsageError('nothing to scan: give --node-root DIR, --snapshot DIR or --kubeconfig FILE (scanning this machine needs /etc/kubernetes)');
    }
    inputs.nodeRoots = ['/'];
  }
  return inputs;
}

/** Reads the inputs; tells each problem on stderr; exit 2 (InputError) only when nothing at all could be read. */
export async function load(inputs: ScanInputs): Promise<ControlPlane> {
  const { loadControlPlane, nothingRead } = await import('../scan.js');
  const { printable } = await import('../report/text.js');
  const cp = await loadControlPlane(inputs);
  for (const p of cp.problems) {
    const where = p.file && !p.message.includes(p.file) ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
    process.stderr.write(`kubeward: ${printable(`${p.host}: ${where}${p.message}`)}\n`);
  }
  if (nothingRead(cp)) {
    const what = [...inputs.nodeRoots, ...inputs.snapshots, ...(inputs.kubeconfig ? [inputs.kubeconfig] : []), ...(inputs.rbac ?? [])].join(', ');
    throw new InputError(`nothing could be read from ${what || 'the inputs'}`);
  }
  return cp;
}

/** Writes next to the target, then renames over it: a reader never sees half a report. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const { rename, rm, writeFile } = await import('node:fs/promises');
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new InputError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

export async function emit(text: string, output: string | undefined): Promise<void> {
  if (output === undefined) process.stdout.write(text);
  else await writeAtomically(output, text);
}

export function registerScan(program: Command): void {
  program.addCommand(
    commandWithInputs(program, 'scan', 'audit a control plane: every check of the five practices → findings')
      .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text' as const))
      .option('--output <file>', 'write the report to this file (atomically) instead of stdout')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('high' as const))
      .option('--practice <practice>', `only the checks of this practice (repeatable): ${PRACTICES.join(', ')}`, collectPractice)
      .action(async (o) => {
        const inputs = await inputsFrom(o);
        const cp = await load(inputs);
        const { checksFor, scanControlPlane } = await import('../scan.js');
        const { render } = await import('../report/index.js');
        const checks = checksFor(o.practice ?? []);
        const result = scanControlPlane(cp, { failOn: o.failOn, checks });
        if (o.format === 'html') {
          const { renderHtml } = await import('../report/html/page.js');
          await emit(renderHtml(result), o.output);
        } else {
          const color = o.output === undefined && o.format === 'text' && process.stdout.isTTY && !process.env.NO_COLOR;
          await emit(render(result, o.format, { color, rules: checks }), o.output);
        }
        process.exitCode = result.summary.failed ? 1 : 0;
      }),
  );
  program.addCommand(
    commandWithInputs(program, 'graph', 'print the control-plane communication graph (each link: encrypted, server verified, client authenticated)')
      .addOption(new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('text' as const))
      .option('--output <file>', 'write to this file (atomically) instead of stdout')
      .action(async (o) => {
        const cp = await load(await inputsFrom(o));
        const { graphOf } = await import('../model/graph-build.js');
        const { renderGraphJson, renderGraphText } = await import('../report/index.js');
        const graph = graphOf(cp);
        const color = o.output === undefined && o.format === 'text' && process.stdout.isTTY && !process.env.NO_COLOR;
        let text: string;
        if (o.format === 'json') text = renderGraphJson(graph);
        else if (o.format === 'text') text = renderGraphText(graph, { color });
        else {
          const { renderDot, renderMermaid, renderSvg } = await import('../report/graph-formats.js');
          text = o.format === 'dot' ? renderDot(graph) : o.format === 'mermaid' ? renderMermaid(graph) : await renderSvg(graph);
        }
        await emit(text, o.output);
        process.exitCode = 0;
      }),
  );
}
