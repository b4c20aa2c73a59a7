#!/usr/bin/env node
// Entry point for `kubeward` and `kubectl-ward` (kubectl finds plugins named kubectl-<name> on PATH).
// Runs the compiled CLI in dist/ (built by `npm install` through the prepare script, or `npm run build`).
// `scan` and `graph` start from the bundle in dist/cli/ (scripts/bundle-cli.mjs) when it is at least as
// new as the compiled modules: one file to load instead of ~150 is most of their startup time.
// This file is CommonJS (bin/package.json): `oidc login` runs before every kubectl command, and an ES
// module entry costs Node's ESM loader (~20M instructions, ~5 ms) before any of our code runs.
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');

/** Whether the bundle dist/cli/<bundle> is at least as new as the compiled dist/src/cli/<compiled> it was made from. */
function bundleIsCurrent(bundle, compiled) {
  try {
    return statSync(join(__dirname, '../dist/cli', bundle)).mtimeMs >= statSync(join(__dirname, '../dist/src/cli', compiled)).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * `oidc login` is kubectl's exec credential plugin: a fresh cached token is printed by
 * src/cli/oidc-login-cached.ts (bundled as one CommonJS file) without loading the CLI; whatever it
 * declines (anything but a cache hit) goes to the full CLI.
 */
async function answeredFromCache(args) {
  const fastPath = bundleIsCurrent('oidc-login-cached.cjs', 'oidc-login-cached.js') ? require('../dist/cli/oidc-login-cached.cjs') : await import('../dist/src/cli/oidc-login-cached.js');
  return fastPath.printCachedLogin(args);
}

async function main() {
  if (process.argv[2] === 'oidc' && process.argv[3] === 'login' && (await answeredFromCache(process.argv.slice(4)))) return;
  const fast = (process.argv[2] === 'scan' || process.argv[2] === 'graph') && bundleIsCurrent('entry.js', 'entry.js');
  await import(fast ? '../dist/cli/entry.js' : '../dist/src/cli/entry.js');
}

void main();
