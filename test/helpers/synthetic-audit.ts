/**
 * A synthetic audit log (JSON lines) from bench/gen-audit-log.mjs, the generator the benchmarks use,
 * written to `out`: the same seed gives the same log.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GENERATOR = fileURLToPath(new URL('../../bench/gen-audit-log.mjs', import.meta.url));

export function writeSyntheticAuditLog(out: string, events: number, seed: number): string {
  const r = spawnSync(process.execPath, [GENERATOR, '--events', String(events), '--seed', String(seed), '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen-audit-log.mjs failed: ${r.stderr}`);
  return out;
}
