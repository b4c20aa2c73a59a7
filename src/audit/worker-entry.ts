/**
 * How to start a worker thread whose entry module sits next to the caller: its compiled JS, or, running
 * from the TypeScript sources (tsx, vitest), a bootstrap that registers tsx's loader inside the worker
 * and then imports the .ts entry (`execArgv: ['--import', 'tsx']` does not apply to a worker's entry
 * module on Node 20). Undefined when the entry file is not there (e.g. the caller was bundled).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  code: string | URL;
  eval: boolean;
}

/** `callerUrl` is the caller's import.meta.url; `name` the entry's file name without extension. */
export function workerEntry(callerUrl: string, name: string): WorkerEntry | undefined {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
  if (!fromSource) return { code: url, eval: false };
  // tsx's ESM API is the "import" condition of its "./esm/api" export
  const pkgFile = createRequire(callerUrl).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const api = pkg.exports?.['./esm/api']?.import?.default;
  if (!api) return undefined;
  const apiUrl = pathToFileURL(join(dirname(pkgFile), api)).href;
  return { code: `import(${JSON.stringify(apiUrl)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(url.href)}))`, eval: true };
}
