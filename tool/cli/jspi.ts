/**
 * Pyodide's run_until_complete blocks only with WebAssembly stack switching (JSPI), which Node
 * 20 has behind V8's flag; Node refuses it in NODE_OPTIONS, so a command that will judge
 * Pyodide starts itself again with it (bin/loopspec.mjs for `run --impl pyodide`, the matrix
 * for a Pyodide row), unless Node already has it or LOOPSPEC_NO_JSPI is set.
 */
import { spawn } from 'node:child_process';
import { EXIT } from './options.ts';

/** V8's stack-switching flag (Node 20; Node 22 and later name it --experimental-wasm-jspi). */
export const JSPI = '--experimental-wasm-stack-switching';

/** Whether this Node can be given the flag by starting again: it lacks it and the user did not opt out. */
export function mayRestartWithJspi(env: NodeJS.ProcessEnv, execArgv: string[]): boolean {
  return !execArgv.includes(JSPI) && !env.LOOPSPEC_NO_JSPI;
}

/**
 * `script` with `args` again, in a Node with the flag: its exit code. SIGTERM is passed on;
 * Ctrl-C reaches the child from the terminal itself (its process group), so this process only
 * waits for it instead of dying first.
 */
export async function againWithJspi(script: string, args: string[]): Promise<number> {
  const again = spawn(process.execPath, [...process.execArgv, JSPI, script, ...args], { stdio: 'inherit' });
  const onTerm = () => again.kill('SIGTERM');
  const onInt = () => {};
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => again.on('exit', (c, sig) => done([c, sig])));
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onInt);
  return code ?? (signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
}
