/**
 * Whole-process time of `kubeward scan` of the bundled insecure example (built JS, JSON output)
 * beside bare Node startup (`node -e 0`). Target: scan ≤ 3× bare startup (median of the runs).
 * Runs alternate between the two so that load from elsewhere on the machine hits both alike.
 * Needs `npm run build` (npm run bench does it) and the example's file modes (apply-modes.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_RATIO = 3;

const scanArgs = ['bin/kubeward.js', 'scan', '--node-root', 'examples/kubeadm-insecure', '--format', 'json'];
const bareArgs = ['-e', '0'];

function timeOnce(args: string[], expectCodes: number[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status === null || !expectCodes.includes(r.status)) {
    throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  }
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

if (!existsSync(`${REPO}dist/src/cli/entry.js`)) throw new Error('dist/ is missing: run `npm run build` first');

// warm the file-system cache once for each
timeOnce(scanArgs, [0, 1]);
timeOnce(bareArgs, [0]);
const scan: number[] = [];
const bare: number[] = [];
for (let i = 0; i < RUNS; i++) {
  bare.push(timeOnce(bareArgs, [0]));
  scan.push(timeOnce(scanArgs, [0, 1]));
}
const scanMs = median(scan);
const bareMs = median(bare);
const ratio = scanMs / bareMs;
console.log(`node -e 0                                  median ${bareMs.toFixed(1)} ms  (${RUNS} runs)`);
console.log(`kubeward scan kubeadm-insecure --format json median ${scanMs.toFixed(1)} ms  (${RUNS} runs)`);
console.log(`ratio ${ratio.toFixed(2)}×  target ≤ ${TARGET_RATIO}×  ${ratio <= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
