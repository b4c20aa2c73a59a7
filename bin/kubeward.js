#!/usr/bin/env node
// Entry point for `kubeward` and `kubectl-ward` (kubectl finds plugins named kubectl-<name> on PATH).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
