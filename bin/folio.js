#!/usr/bin/env node
// Thin launcher: the CLI is compiled to lib/ once, at install time (npm's `prepare`).
import { main } from '../lib/cli.js';

process.exitCode = await main(process.argv.slice(2));
