#!/usr/bin/env node
// Entry point for `kubeward` and `kubectl-ward` (kubectl finds plugins named kubectl-<name> on PATH).
// Runs the compiled CLI in dist/ (built by `npm install` through the prepare script, or `npm run build`).
import '../dist/src/cli/entry.js';
