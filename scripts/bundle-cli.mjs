// Packs the compiled CLI (dist/src/cli/entry.js and everything it imports) into a few ESM files in
// dist/cli/, with esbuild (installed with tsx). `kubeward scan` and `graph` start from there
// (bin/kubeward.js): resolving and loading ~150 modules plus yaml's and commander's files was most
// of a scan's startup time (bench/scan.bench.ts). Lazy `import()`s stay lazy: they become chunks.
// Packages with native parts, big ones, and those only other commands use stay external.
import { rmSync } from 'node:fs';
import { URL } from 'node:url';
import { build } from 'esbuild';

const outdir = new URL('../dist/cli/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
// `oidc login` answered from the token cache (bin/kubeward.js; kubectl runs it before every command):
// one CommonJS file with no packages in it. CommonJS because require() hands over Node's built-ins as
// they are, while an ES module importing one makes Node read every export (node:fs's load its streams).
await build({
  entryPoints: [new URL('../dist/src/cli/oidc-login-cached.js', import.meta.url).pathname],
  outfile: `${outdir}oidc-login-cached.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

await build({
  entryPoints: [new URL('../dist/src/cli/entry.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // inlined: commander, yaml, picocolors (small, pure JS, on the scan path); everything else external
  external: [
    '@kubernetes/client-node', '@peculiar/x509', 'reflect-metadata', 'etcd3', '@grpc/*', 'better-sqlite3', 'pg',
    'fastify', 'undici', 'openid-client', 'jose', 'preact', 'preact-render-to-string', 'cli-table3',
    'zod', 'cockatiel', 'tsx', 'esbuild', 'oidc-provider', 'playwright-core',
  ],
  // the inlined CommonJS packages call require() for Node built-ins
  banner: { js: "import { createRequire as __kubewardRequire } from 'node:module'; const require = __kubewardRequire(import.meta.url);" },
  // less source for V8 to parse at each start; names are kept, so stack traces stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

