#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so the package needs no build step. Both of
// tsx's loaders, as `tsx` itself registers them: the ES module hooks, and the CommonJS ones for
// what Node loads as CommonJS (an adapter module in a package without "type": "module", a .cts
// or .cjs, and the modules those require), which the ES module hooks alone leave untransformed.
import { spawn } from 'node:child_process';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

// Pyodide blocks in run_until_complete only with WebAssembly stack switching (JSPI), which Node
// 20 has behind a flag that NODE_OPTIONS refuses: with --impl pyodide, loopspec runs itself
// again with the flag, so that the whole suite is judged (README, "Pyodide").
const JSPI = '--experimental-wasm-stack-switching';
const args = process.argv.slice(2);
const wantsPyodide = args.some((a, i) => /^(--impl=)?pyodide(:|$)/.test(a) && (a.startsWith('--impl=') || args[i - 1] === '--impl'));
if (wantsPyodide && !process.execArgv.includes(JSPI) && !process.env.LOOPSPEC_NO_JSPI) {
  const again = spawn(process.execPath, [...process.execArgv, JSPI, process.argv[1], ...args], { stdio: 'inherit' });
  // SIGTERM is passed on; Ctrl-C reaches the child from the terminal itself (its process
  // group), so this process only waits for it instead of dying first.
  process.on('SIGTERM', () => again.kill('SIGTERM'));
  process.on('SIGINT', () => {});
  const [code, signal] = await new Promise((resolve) => again.on('exit', (c, s) => resolve([c, s])));
  process.exit(code ?? (signal === 'SIGTERM' ? 143 : 130));
}

registerCommonJs();
registerEsm();
const { main } = await import('../tool/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Done: what an adapter module left behind (the timer of a run that never settled) must not
// keep loopspec alive. The timer is unref'd, so it fires only if something else would.
setTimeout(() => process.exit(code), 1000).unref();
