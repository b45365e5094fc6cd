/**
 * The Python driver as an adapter: finds the interpreter and builds the argument vector of
 * `drivers/python/loopspec_driver.py --serve` with its plug-in flags; the process adapter
 * does the rest.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileForVersion } from '../../spec/profiles.ts';
import { DriverStartError, startProcessAdapter, type ProcessAdapter, type ProcessAdapterOptions } from './process.ts';

export const DRIVER_PATH = fileURLToPath(new URL('../../drivers/python/loopspec_driver.py', import.meta.url));

export interface PythonDriverOptions {
  /** Interpreter: a path, or a command looked up on PATH (default 'python3'). */
  python?: string;
  /** `module:attr` of an event loop policy class, installed at the start of every program. */
  policy?: string;
  /** `module:attr` of a callable returning a loop, used in place of asyncio.new_event_loop. */
  loopFactory?: string;
  /** `module:attr` of a function run once in the driver's parent process at start. */
  setup?: string;
  /** Children forked ahead of need (driver default 2; 0 forks on demand). */
  pool?: number;
  /** False: children are forked cold (the driver warms them up while they wait, by default). */
  warmUp?: boolean;
  /** 'fork' (default where os.fork exists) or 'in-process'. */
  isolation?: 'fork' | 'in-process';
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The interpreter's path, or undefined when there is none. */
export function findPython(python = 'python3', env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isAbsolute(python) || python.includes('/')) return executable(resolve(python)) ? resolve(python) : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const file = join(dir, python);
    if (executable(file)) return file;
  }
  return undefined;
}

const MODULE_ATTR = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/;

/** The driver's argument vector. */
export function pythonDriverArgv(python: string, o: PythonDriverOptions = {}): string[] {
  const argv = [python, DRIVER_PATH, '--serve'];
  const plug = (flag: string, v?: string) => {
    if (v === undefined) return;
    if (!MODULE_ATTR.test(v)) throw new DriverStartError(`${flag} wants module:attr (e.g. uvloop:EventLoopPolicy), got '${v}'`);
    argv.push(flag, v);
  };
  plug('--policy', o.policy);
  plug('--loop-factory', o.loopFactory);
  plug('--setup', o.setup);
  if (o.pool !== undefined) argv.push('--pool', String(o.pool));
  if (o.warmUp === false) argv.push('--no-warm-up');
  if (o.isolation) argv.push('--isolation', o.isolation);
  return argv;
}

/**
 * The driver's environment: the caller's, without the two variables that turn asyncio's debug
 * mode on in every new loop (coroutines._is_debug_mode(), read by BaseEventLoop.__init__):
 * PYTHONASYNCIODEBUG, and PYTHONDEVMODE (sys.flags.dev_mode). DEBUG-1.1 says a new loop's
 * get_debug() is False, and debug mode changes what other statements do (DEBUG-1.3): a user
 * with either set in their shell must not see a conforming CPython fail.
 */
export function driverEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'PYTHONASYNCIODEBUG' && k !== 'PYTHONDEVMODE'));
}

/** Starts the persistent Python driver. Throws DriverStartError (no interpreter, bad plug-in, bad handshake). */
export async function startPythonAdapter(o: PythonDriverOptions & Omit<ProcessAdapterOptions, 'argv'> = {}): Promise<ProcessAdapter> {
  pythonDriverArgv('python3', o); // bad plug-in specs first: they are wrong whatever the interpreter
  const wanted = o.python ?? 'python3';
  const python = findPython(wanted, o.env ?? process.env);
  if (!python)
    throw new DriverStartError(
      `Python interpreter not found: '${wanted}'${wanted.includes('/') ? '' : ' on PATH'} (give one with --impl python:<path>)`,
    );
  const adapter = await startProcessAdapter({ ...o, env: driverEnv(o.env ?? process.env), argv: pythonDriverArgv(python, o) });
  // the semantics to expect are those of the interpreter's Python version, when the spec has them
  const profile = adapter.profile ?? profileForVersion(adapter.version)?.name;
  return profile ? Object.assign(adapter, { profile }) : adapter;
}
