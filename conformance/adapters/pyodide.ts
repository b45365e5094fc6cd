/**
 * Pyodide as an in-process adapter: every program runs in one Pyodide (CPython for
 * WebAssembly, loaded once), on its own asyncio as shipped: the WebLoopPolicy, and WebLoops
 * that run their callbacks from Node's event loop (setImmediate, setTimeout) instead of a loop
 * of their own. The program is interpreted by the Python driver's interpreter and recorder
 * (drivers/python/, unchanged), so its trace means what a CPython trace means.
 *
 * One program: reset to the state Pyodide starts in, checked (drivers/pyodide/loopspec_pyodide.py
 * says what is reset and checked); the main body; then Node's event loop runs until the
 * WebLoop has no callback left to run, or the deadline passes (a 'hang', observations kept).
 * Callbacks an earlier program left queued never run in a later one: every WebLoop callback
 * goes through a wrapper of Pyodide's scheduleCallback that knows its program, and a reset
 * clears them.
 *
 * Blocking: the WebLoop's run_until_complete (and asyncio.run, which Pyodide routes to it)
 * blocks only through WebAssembly stack switching (JSPI): Node 20 has it behind
 * `--experimental-wasm-stack-switching`, Node 22 and later behind `--experimental-wasm-jspi`.
 * With it, the main body is entered through callPromising; without it, Pyodide's
 * run_until_complete raises RuntimeError, and a program that uses run_until_complete,
 * asyncio_run or an asyncio.Runner's run or close anywhere is skipped, saying so, never passed.
 *
 * No threads, no fork, no thread pool in this build: those capabilities are false (the
 * WebLoop's run_in_executor calls the function inline on the main thread).
 *
 * No POSIX signals either: the WebLoop's add_signal_handler raises NotImplementedError, so a
 * signal a program sends itself (signal_self, os.kill(os.getpid(), ...)) meets its default
 * action, which ends Pyodide's WebAssembly runtime (exit(128 + the signal)); such a program is
 * skipped, saying so. Should Pyodide's runtime exit or fail fatally all the same (after which
 * Pyodide "can no longer be used": a WebAssembly trap, or its /dev/capture_stderr left behind,
 * makes every later call throw), the program it happened in is an adapter error saying so, and
 * Pyodide is loaded again before the next one.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureNumbered, type Op, type Program, walk } from '../../language/program.ts';
import type { Trace } from '../../language/trace.ts';
import { profileForVersion } from '../../spec/profiles.ts';
import type { Adapter, RunLimits } from '../adapter.ts';
import { Callbacks, type PyCallable, type Schedule } from './pyodide-callbacks.ts';
import { describeThrown, fatalOf } from './pyodide-errors.ts';

const PYTHON_DRIVER = fileURLToPath(new URL('../../drivers/python/', import.meta.url));
const PYODIDE_DRIVER = fileURLToPath(new URL('../../drivers/pyodide/', import.meta.url));
/** Where the Python modules go in Pyodide's file system. */
const HOME = '/loopspec';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** The share of the harness's deadline a program gets before the adapter ends it with 'hang'. */
export const OWN_DEADLINE = 0.8;
/**
 * Statements that block until a coroutine is done: they need stack switching in Pyodide. An
 * asyncio.Runner's run() and close() call its loop's run_until_complete (close(): for
 * shutdown_asyncgens and shutdown_default_executor), a WebLoop's, as the policy makes it.
 */
export const BLOCKING: ReadonlySet<Op> = new Set<Op>(['run_until_complete', 'asyncio_run', 'runner_run', 'runner_close']);
/** Statements that send the process a signal: at its default action it ends Pyodide. */
export const SIGNALLING: ReadonlySet<Op> = new Set<Op>(['signal_self']);

/** Pyodide could not be found or loaded. */
export class PyodideStartError extends Error {}

export interface PyodideAdapterOptions {
  /** A folder holding a Pyodide distribution (pyodide.mjs and its files); default the npm package `pyodide`. */
  path?: string;
  /** Per-program deadline cap, ms. */
  timeoutMs?: number;
}

export interface PyodideAdapter extends Adapter {
  /** Whether run_until_complete can block here (WebAssembly stack switching). */
  jspi: boolean;
  /** Pyodide's version and its CPython's. */
  pyodideVersion: string;
  pythonVersion: string;
  /** Time spent loading Pyodide, ms. */
  loadMs: number;
  /** The last lines Pyodide wrote on stdout and stderr (what the WebLoop logged: errors of callbacks, tasks never retrieved). */
  output(): string[];
  /** Runs Python code in this Pyodide between programs and returns its value (for tests and diagnosis). */
  runPython(code: string): unknown;
}

/** The folder of the Pyodide to load, and its module. */
function locate(path?: string): { dir: string; module: string } {
  if (path === undefined) {
    let pkg: string;
    try {
      pkg = createRequire(import.meta.url).resolve('pyodide/package.json');
    } catch {
      throw new PyodideStartError(
        'the npm package pyodide is not installed (npm install pyodide), or name a Pyodide folder: --impl pyodide:<path>',
      );
    }
    return { dir: dirname(pkg), module: join(dirname(pkg), 'pyodide.mjs') };
  }
  const full = resolve(path);
  let dir = full;
  try {
    if (!statSync(full).isDirectory()) dir = dirname(full);
  } catch {
    throw new PyodideStartError(`Pyodide not found: ${full}`);
  }
  const module = join(dir, 'pyodide.mjs');
  try {
    statSync(module);
  } catch {
    throw new PyodideStartError(`${dir} holds no Pyodide distribution (no pyodide.mjs there)`);
  }
  return { dir, module };
}

const skipped = (detail: string): Trace => ({ obs: {}, order: {}, end: { kind: 'skipped', detail } });
const failed = (detail: string): Trace => ({ obs: {}, order: {}, end: { kind: 'error', detail } });

export const NO_SIGNALS =
  "sends its process a signal (os.kill(os.getpid(), ...)): Pyodide has no POSIX signals, its WebLoop's add_signal_handler raises " +
  'NotImplementedError, so the signal meets its default action, which ends the WebAssembly runtime (exit(138) for SIGUSR1) and ' +
  'Pyodide with it';

export const NO_JSPI =
  "needs run_until_complete to block, which Pyodide's WebLoop does only with WebAssembly stack switching (JSPI); " +
  "without it run_until_complete and asyncio.run raise RuntimeError('WebAssembly stack switching not supported in this " +
  "JavaScript runtime'). Run loopspec with node --experimental-wasm-stack-switching (Node 20) or --experimental-wasm-jspi (Node 22+)";

/** Loads Pyodide (once: about two seconds) and returns the adapter. Throws PyodideStartError. */
export async function startPyodideAdapter(o: PyodideAdapterOptions = {}): Promise<PyodideAdapter> {
  const { dir, module } = locate(o.path);
  const started = performance.now();
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  /** One Pyodide, loaded and set up: a new one replaces it when it can no longer be used. */
  const boot = async () => {
    // biome-ignore lint/suspicious/noExplicitAny: Pyodide's API object, whatever its version
    let py: any;
    try {
      const { loadPyodide } = (await import(pathToFileURL(module).href)) as { loadPyodide: (o: object) => Promise<unknown> };
      py = await loadPyodide({ indexURL: `${dir}/`, stdout: keep, stderr: keep });
    } catch (e) {
      throw new PyodideStartError(`Pyodide in ${dir} failed to load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    py.FS.mkdirTree(HOME);
    for (const [from, file] of [
      [PYTHON_DRIVER, 'loopspec_interpreter.py'],
      [PYTHON_DRIVER, 'loopspec_fork.py'],
      [PYTHON_DRIVER, 'loopspec_recorder.py'],
      [PYTHON_DRIVER, 'loopspec_observers.py'],
      [PYODIDE_DRIVER, 'loopspec_pyodide.py'],
    ])
      py.FS.writeFile(`${HOME}/${file}`, readFileSync(join(from, file), 'utf8'));
    py.runPython(`import sys; sys.path.insert(0, '${HOME}')`);
    const helper = py.pyimport('loopspec_pyodide');
    const fn = (name: string) => helper[name] as PyCallable;
    const [reset, begin, finish] = [fn('reset'), fn('begin'), fn('finish')];
    const original = helper._SCHEDULE as Schedule | undefined;
    if (typeof original !== 'function')
      throw new PyodideStartError(`Pyodide ${py.version}'s WebLoop has no pyodide.webloop.scheduleCallback to follow its callbacks by`);
    const errnoNames = (py.ERRNO_CODES ?? {}) as Record<string, number>;
    const callbacks = new Callbacks(original, errnoNames);
    fn('track')(callbacks.schedule);
    /** Pyodide's end, once it has come (see fatalOf). */
    const fatal: { why?: string } = {};
    return { py, fn, reset, begin, finish, errnoNames, callbacks, fatal };
  };
  let inst = await boot();
  const { py, fn } = inst;
  // JSPI: can_run_sync() is true in a call entered through callPromising, where the runtime has stack switching
  const probe = py.runPython('from pyodide.ffi import can_run_sync\ncan_run_sync') as PyCallable;
  const jspi = Boolean(await probe.callPromising().catch(() => false));
  const pythonVersion = String(fn('python_version')());
  const pyodideVersion = String(py.version);
  const loadMs = performance.now() - started;
  const cap = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let closed = false;
  /** Why no Pyodide could be loaded again, once one could not. */
  let dead: string | undefined;
  const describe = (e: unknown) => describeThrown(e, inst.errnoNames);
  /** The run in progress: one Pyodide runs one program at a time (a caller that gave up on a run, as withDeadline does, may start the next before it ends). */
  let busy: Promise<unknown> = Promise.resolve();

  const run = (program: Program, limits?: RunLimits): Promise<Trace> => {
    const mine = busy.then(() => runAlone(program, limits));
    busy = mine.catch(() => {});
    return mine;
  };

  const runAlone = async (program: Program, limits?: RunLimits): Promise<Trace> => {
    if (closed) return failed('the adapter is closed');
    if (dead) return failed(dead);
    const numbered = ensureNumbered(program);
    const ops = [...walk(numbered.main)].map((s) => s.op);
    if (ops.some((op) => SIGNALLING.has(op))) return skipped(NO_SIGNALS);
    if (!jspi && ops.some((op) => BLOCKING.has(op))) return skipped(NO_JSPI);
    let trace: Trace;
    try {
      trace = await runOne(numbered, limits);
    } catch (e) {
      inst.fatal.why ??= fatalOf(e);
      trace = failed(`the adapter's Python side failed: ${describe(e)}`);
    }
    inst.fatal.why ??= inst.callbacks.fatal;
    if (inst.fatal.why === undefined) return trace;
    // Pyodide can no longer be used: this program's end says so, and the next runs in a new one
    const why = inst.fatal.why;
    inst.callbacks.next();
    try {
      inst = await boot();
    } catch (e) {
      dead = `Pyodide ended during an earlier program (${why}) and could not be loaded again: ${describe(e)}`;
    }
    const detail = trace.end.kind === 'error' || trace.end.kind === 'hang' ? `${trace.end.detail}; ` : '';
    return {
      ...trace,
      end: { kind: 'error', detail: `${detail}Pyodide ended (${why}): it can no longer be used, the next program runs in a new one` },
    };
  };

  const runOne = async (numbered: Program, limits?: RunLimits): Promise<Trace> => {
    const { reset, begin, finish, callbacks, fatal } = inst;
    const ms = Math.min(limits?.deadlineMs ?? cap, cap) * OWN_DEADLINE;
    callbacks.next();
    const problems = JSON.parse(String(reset())) as string[];
    if (problems.length > 0) return failed(`the reset to Pyodide's start-up state did not hold: ${problems.join('; ')}`);
    const deadline = performance.now() + ms;
    const json = JSON.stringify(numbered);
    let main: Promise<unknown>;
    try {
      main = Promise.resolve(jspi ? begin.callPromising(json, ms / 1000) : begin(json, ms / 1000));
    } catch (e) {
      main = Promise.reject(e);
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      main.then(
        (r) => ({ kind: 'done' as const, problems: JSON.parse(String(r)) as string[] }),
        (e: unknown) => {
          fatal.why ??= fatalOf(e);
          return { kind: 'threw' as const, message: describe(e) };
        },
      ),
      new Promise<{ kind: 'late' }>((r) => {
        timer = setTimeout(() => r({ kind: 'late' }), Math.max(0, deadline - performance.now()));
      }),
    ]);
    clearTimeout(timer);
    if (outcome.kind === 'threw') return failed(`the adapter's Python side failed: ${outcome.message.split('\n').slice(-3).join(' ')}`);
    if (outcome.kind === 'done' && outcome.problems.length > 0)
      return failed(`the reset to Pyodide's start-up state did not hold: ${outcome.problems.join('; ')}`);
    const idle = outcome.kind === 'done' && (await callbacks.idle(deadline));
    const hang = `the program did not finish within ${Math.round(ms)} ms: ${
      outcome.kind === 'late' ? 'its main body was still running' : `${callbacks.pending()} WebLoop callbacks were still queued or running`
    }${callbacks.failure ? ` (${callbacks.failure})` : ''}`;
    const end = idle ? (callbacks.failure ? { kind: 'error', detail: callbacks.failure } : '') : { kind: 'hang', detail: hang };
    const trace = JSON.parse(String(finish(end === '' ? '' : JSON.stringify(end)))) as Trace;
    callbacks.next(); // nothing of this program runs while no program does
    return trace;
  };

  return {
    name: 'Pyodide',
    version: `${pyodideVersion} (CPython ${pythonVersion}, WebLoop, ${jspi ? 'JSPI: run_until_complete blocks' : 'no JSPI'})`,
    profile: profileForVersion(pythonVersion)?.name,
    capabilities: { threads: false, fork: false, executor: false },
    jspi,
    pyodideVersion,
    pythonVersion,
    loadMs,
    output: () => [...output],
    runPython: (code) => inst.py.runPython(code),
    run,
    close: async () => {
      closed = true;
      inst.callbacks.next();
    },
  };
}
