#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so the package needs no build step. Both of
// tsx's loaders, as `tsx` itself registers them: the ES module hooks, and the CommonJS ones for
// what Node loads as CommonJS (an adapter module in a package without "type": "module", a .cts
// or .cjs, and the modules those require), which the ES module hooks alone leave untransformed.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerCommonJs();
registerEsm();
const args = process.argv.slice(2);
// `--impl pyodide` judges the whole suite only with stack switching (tool/cli/jspi.ts).
const wantsPyodide = args.some((a, i) => /^(--impl=)?pyodide(:|$)/.test(a) && (a.startsWith('--impl=') || args[i - 1] === '--impl'));
const jspi = await import('../tool/cli/jspi.ts');
if (wantsPyodide && jspi.mayRestartWithJspi(process.env, process.execArgv)) process.exit(await jspi.againWithJspi(process.argv[1], args));

const { main } = await import('../tool/cli/main.ts');
const code = await main(args);
process.exitCode = code;
// Done: what an adapter module left behind (the timer of a run that never settled) must not
// keep loopspec alive. The timer is unref'd, so it fires only if something else would.
setTimeout(() => process.exit(code), 1000).unref();
