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

type PyCallable = ((...args: unknown[]) => unknown) & { callPromising(...args: unknown[]): Promise<unknown>; destroy?(): void };
type Schedule = (callback: PyCallable, delayMs: number) => void;

/** A callback the WebLoop handed to scheduleCallback: which program's, and how to unschedule it. */
interface Queued {
  generation: number;
  clear: () => void;
  callback: PyCallable;
  /** Called already (running, if it is still live: suspended in run_until_complete). */
  fired: boolean;
}

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as Promise<unknown> | null)?.then === 'function';

/**
 * What a value thrown into JavaScript says, in one line of a trace's detail, never
 * '[object Object]': an Error's message (Pyodide's PythonError; its Exit, "Program terminated
 * with exit(138)"), else the message of an object that has one, else, for Emscripten's
 * FS.ErrnoError (no message, not an Error: what every call that formats a Python error threw
 * once a fatal error had left Pyodide's /dev/capture_stderr behind, errno 20, EEXIST), its name
 * and errno, with the errno's name when `errnoNames` (Pyodide's ERRNO_CODES) has it.
 */
export function describeThrown(e: unknown, errnoNames: Readonly<Record<string, number>> = {}): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e !== 'object' || e === null) return String(e);
  const o = e as { name?: unknown; message?: unknown; errno?: unknown; status?: unknown };
  if (typeof o.message === 'string' && o.message !== '') return o.message;
  const name = typeof o.name === 'string' && o.name !== '' ? o.name : (e.constructor?.name ?? 'Object');
  if (typeof o.errno === 'number') {
    const code = Object.keys(errnoNames).find((k) => errnoNames[k] === o.errno);
    return `${name}: errno ${o.errno}${code ? ` (${code})` : ''}`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(e);
  } catch {
    // cyclic, or a BigInt in it
  }
  return json && json !== '{}' ? `${name} ${json}` : name;
}

/**
 * Pyodide's end, when `e` is one: Emscripten's exit of the runtime (an ExitStatus, "Program
 * terminated with exit(138)") or a fatal error (a WebAssembly trap...), which Pyodide marks
 * `pyodide_fatal_error`; after either it can no longer be used.
 */
function fatalOf(e: unknown): string | undefined {
  const o = e as { status?: unknown; message?: unknown; pyodide_fatal_error?: unknown } | null;
  if (typeof o !== 'object' || o === null) return undefined;
  if (o.pyodide_fatal_error || (typeof o.status === 'number' && /^Program terminated with exit\(/.test(String(o.message))))
    return describeThrown(e);
  return undefined;
}

/** Releases a callback Pyodide made for one call (a once-callable) that will not be called now. */
function release(callback: PyCallable): void {
  try {
    callback.destroy?.();
  } catch {
    // already released
  }
}

/** Runs `schedule` and returns a function that clears the Node timers it set (setTimeout, setImmediate). */
function capturingTimers(schedule: () => void): () => void {
  const g = globalThis as unknown as Record<'setTimeout' | 'setImmediate', (...a: unknown[]) => unknown>;
  const { setTimeout: st, setImmediate: si } = g;
  const clears: Array<() => void> = [];
  g.setTimeout = (...a) => {
    const h = st(...a) as NodeJS.Timeout;
    clears.push(() => clearTimeout(h));
    return h;
  };
  g.setImmediate = (...a) => {
    const h = si(...a) as NodeJS.Immediate;
    clears.push(() => clearImmediate(h));
    return h;
  };
  try {
    schedule();
  } finally {
    g.setTimeout = st;
    g.setImmediate = si;
  }
  return () => {
    for (const c of clears) c();
  };
}

/**
 * The WebLoop's callbacks, per program (a generation): which are still to run or running (a
 * callback that blocks in run_until_complete is suspended, with JSPI), and who waits for none.
 */
class Callbacks {
  generation = 0;
  private live = new Set<Queued>();
  private waiters: Array<() => void> = [];
  /** What went wrong in a callback that Pyodide let out into JavaScript, for the program's trace. */
  failure: string | undefined;
  /** Pyodide's end (its runtime's exit, a fatal error) a callback let out, if one did (whichever program's it was). */
  fatal: string | undefined;

  constructor(
    private original: Schedule,
    private errnoNames: Readonly<Record<string, number>> = {},
  ) {}

  readonly schedule: Schedule = (callback, delayMs) => {
    const q: Queued = { generation: this.generation, clear: () => {}, callback, fired: false };
    this.live.add(q);
    const done = () => {
      this.live.delete(q);
      if (this.live.size === 0) for (const w of this.waiters.splice(0)) w();
    };
    const failed = (how: string, e: unknown) => {
      this.fatal ??= fatalOf(e);
      if (q.generation === this.generation) this.failure ??= `a WebLoop callback ${how}: ${describeThrown(e, this.errnoNames)}`;
      done();
    };
    const fire = () => {
      if (q.generation !== this.generation) return release(callback);
      q.fired = true;
      let result: unknown;
      try {
        result = callback();
      } catch (e) {
        return failed('raised into JavaScript', e);
      }
      if (isPromise(result)) result.then(done, (e: unknown) => failed('failed', e));
      else done();
    };
    q.clear = capturingTimers(() => this.original(fire as unknown as PyCallable, delayMs));
  };

  /** A new program: what earlier ones queued is cleared (a suspended callback is left suspended, uncounted). */
  next(): void {
    this.generation++;
    this.failure = undefined;
    for (const q of this.live) {
      q.clear();
      if (!q.fired) release(q.callback);
    }
    this.live.clear();
  }

  /** Resolves true once no callback of this program is queued or running, false at `deadline` (ms, performance.now()). */
  async idle(deadline: number): Promise<boolean> {
    for (;;) {
      if (this.live.size === 0) {
        // one more turn of the event loop: a callback may still be on its way (a promise's reaction)
        await new Promise((r) => setImmediate(r));
        if (this.live.size === 0) return true;
      }
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
  }

  pending(): number {
    return this.live.size;
  }
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
