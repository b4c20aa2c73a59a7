#!/usr/bin/env node
// Entry point for `kubeward` and `kubectl-ward` (kubectl finds plugins named kubectl-<name> on PATH).
// Runs the compiled CLI in dist/ (built by `npm install` through the prepare script, or `npm run build`).
// `scan` and `graph` start from the bundle in dist/cli/ (scripts/bundle-cli.mjs) when it is at least as
// new as the compiled modules: one file to load instead of ~150 is most of their startup time.
import { statSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

function bundleIsCurrent() {
  try {
    return statSync(new URL('../dist/cli/entry.js', import.meta.url)).mtimeMs >= statSync(new URL('../dist/src/cli/entry.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

const fast = (process.argv[2] === 'scan' || process.argv[2] === 'graph') && bundleIsCurrent();
await import(fast ? '../dist/cli/entry.js' : '../dist/src/cli/entry.js');
