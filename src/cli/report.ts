/**
 * `kubeward report --html FILE`: the self-contained HTML report, from the same inputs as `scan` or
 * from a saved `scan --format json` result.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import { SEVERITIES } from '../model/finding.js';
import type { ScanResult } from '../model/result.js';
import { InputError, UsageError } from './errors.js';
import { commandWithInputs, inputsFrom, load, writeAtomically } from './scan.js';

async function readResult(file: string): Promise<ScanResult> {
  const { readFile } = await import('node:fs/promises');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not a readable scan result (${(e as Error).message})`);
  }
  const r = parsed as Partial<ScanResult> | null;
  if (!r || r.tool !== 'kubeward' || !Array.isArray(r.findings) || !r.graph || !Array.isArray(r.graph.links) || !r.summary) {
    throw new InputError(`${file}: not the output of \`kubeward scan --format json\``);
  }
  return r as ScanResult;
}

export function registerReport(program: Command): void {
  program.addCommand(
    commandWithInputs(program, 'report', 'write the HTML report (summary, communication graph, findings) as one self-contained file')
      .requiredOption('--html <file>', 'where to write the report (atomically)')
      .option('--from-json <file>', 'render a saved `kubeward scan --format json` result instead of scanning')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('high' as const))
      .action(async (o) => {
        let result: ScanResult;
        if (o.fromJson !== undefined) {
          if (o.nodeRoot || o.snapshot || o.kubeconfig || o.rbac) throw new UsageError('--from-json renders a saved result: give no other inputs');
          result = await readResult(o.fromJson);
        } else {
          const cp = await load(await inputsFrom(o));
          const { scanControlPlane } = await import('../scan.js');
          result = scanControlPlane(cp, { failOn: o.failOn });
        }
        const { renderHtml } = await import('../report/html/page.js');
        await writeAtomically(o.html, renderHtml(result));
        process.stderr.write(`kubeward: wrote ${o.html} (${result.findings.length} findings, ${result.graph.links.length} links)\n`);
        process.exitCode = result.summary.failed ? 1 : 0;
      }),
  );
}
