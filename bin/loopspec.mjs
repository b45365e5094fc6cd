#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../tool/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Done: what an adapter module left behind (the timer of a run that never settled) must not
// keep loopspec alive. The timer is unref'd, so it fires only if something else would.
setTimeout(() => process.exit(code), 1000).unref();
