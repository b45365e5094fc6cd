/**
 * Finds the implementation to test: a built-in name, a path to a TypeScript/JavaScript
 * module that exports an adapter (see README, "Writing an adapter"), or an out-of-process
 * driver speaking the protocol (protocol/PROTOCOL.md): `python`, `python:<interpreter>`,
 * `exec:<driver>` with its arguments in `driverArgs`; or Pyodide in process: `pyodide` (the npm
 * package), `pyodide:<folder of a Pyodide distribution>`.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { register as registerEsm } from 'tsx/esm/api';
import type { Adapter } from './adapter.ts';
import { withDeadline } from './adapters/guarded.ts';
import { oracleAdapter } from './adapters/oracle.ts';
import { DEFAULT_TIMEOUT_MS, DriverStartError, startProcessAdapter } from './adapters/process.ts';
import { startPythonAdapter } from './adapters/python.ts';
import { PyodideStartError, startPyodideAdapter } from './adapters/pyodide.ts';
import { referenceAdapter } from './adapters/reference.ts';
import { defaultProfile, requireProfile } from '../spec/profiles.ts';

/** Bad input from the user: a message, exit code 2. */
export class UsageError extends Error {}

/** The built-in implementations; `profile` is the one the user asked for, if any. */
export const BUILT_IN: Record<string, (profile?: string) => Adapter> = {
  reference: (profile) => referenceAdapter({ profile }),
  oracle: (profile) => oracleAdapter(profile ? requireProfile(profile) : defaultProfile()),
};

/** What is wrong with a would-be adapter, or nothing. */
export function adapterProblems(a: unknown): string[] {
  if (typeof a !== 'object' || a === null) return ['it is not an object'];
  const o = a as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.name !== 'string' || o.name === '') problems.push('`name` must be a non-empty string');
  if (typeof o.version !== 'string') problems.push('`version` must be a string');
  if (typeof o.run !== 'function') problems.push('`run(program)` must be a function returning a Promise of a trace');
  if (typeof o.close !== 'function') problems.push('`close()` must be a function');
  const caps = o.capabilities as Record<string, unknown> | undefined;
  if (typeof caps !== 'object' || caps === null) problems.push('`capabilities` must be an object { threads, fork, executor }');
  else
    for (const c of ['threads', 'fork', 'executor'])
      if (typeof caps[c] !== 'boolean') problems.push(`\`capabilities.${c}\` must be a boolean`);
  return problems;
}

/** Options of out-of-process implementations (the command line's driver flags). */
export interface DriverOptions {
  policy?: string;
  loopFactory?: string;
  setup?: string;
  /** Per-program deadline, ms (drivers and adapter modules). */
  timeoutMs?: number;
  /** How long a driver has to answer the handshake, ms. */
  handshakeMs?: number;
  validate?: boolean;
  /** The arguments of an `exec:` driver. */
  driverArgs?: string[];
}

type Kind = 'python' | 'exec' | 'module' | 'built-in';

/** Flags that make no sense for the chosen kind of implementation are usage errors, not silently ignored. */
function checkFlags(kind: Kind, o: DriverOptions): void {
  const given = (flags: Array<[string, unknown]>) =>
    flags.filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)).map(([f]) => f);
  const plugins = given([
    ['--policy', o.policy],
    ['--loop-factory', o.loopFactory],
    ['--setup', o.setup],
  ]);
  const timeout = given([['--timeout', o.timeoutMs]]);
  const driver = given([
    ['--handshake-timeout', o.handshakeMs],
    ['--validate-protocol', o.validate],
  ]);
  const args = given([['--driver-arg', o.driverArgs]]);
  const wrong = {
    python: args,
    exec: plugins,
    module: [...plugins, ...driver, ...args],
    'built-in': [...plugins, ...timeout, ...driver, ...args],
  }[kind];
  if (wrong.length > 0) {
    const fits = (f: string) =>
      ['--policy', '--loop-factory', '--setup'].includes(f)
        ? '--impl python'
        : f === '--driver-arg'
          ? '--impl exec:<driver>'
          : f === '--timeout'
            ? 'an out-of-process implementation (python, exec:) or an adapter module'
            : 'an out-of-process implementation (python, exec:)';
    throw new UsageError(wrong.map((f) => `${f} works with ${fits(f)} only`).join('; '));
  }
}

function statOf(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The driver's command is a file that can be run: a path, or a name found on PATH. */
function checkDriver(driver: string): void {
  if (!driver.includes('/')) {
    const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
    if (!dirs.some((d) => isExecutable(join(d, driver)) && statOf(join(d, driver))?.isFile()))
      throw new UsageError(`driver not found: ${driver} is not a command on PATH`);
    return;
  }
  const file = resolve(driver);
  const stat = statOf(file);
  if (!stat) throw new UsageError(`driver not found: ${file}`);
  if (stat.isDirectory()) throw new UsageError(`driver ${file} is a folder: name the driver's executable`);
  if (!isExecutable(file))
    throw new UsageError(`driver ${file} is not executable (chmod +x it, or run it through its interpreter: exec:node --driver-arg ...)`);
}

async function startDriver(impl: string, o: DriverOptions): Promise<Adapter> {
  const common = { timeoutMs: o.timeoutMs, handshakeMs: o.handshakeMs, validate: o.validate };
  try {
    if (impl === 'python' || impl.startsWith('python:')) {
      checkFlags('python', o);
      const python = impl === 'python' ? 'python3' : impl.slice('python:'.length);
      if (python === '') throw new UsageError('--impl python:<path> wants the path of an interpreter');
      return await startPythonAdapter({ ...common, python, policy: o.policy, loopFactory: o.loopFactory, setup: o.setup });
    }
    checkFlags('exec', o);
    const driver = impl.slice('exec:'.length);
    if (driver === '') throw new UsageError('--impl exec:<driver> wants the driver to run');
    checkDriver(driver);
    return await startProcessAdapter({ ...common, argv: [driver, ...(o.driverArgs ?? [])] });
  } catch (e) {
    if (e instanceof DriverStartError) throw new UsageError(e.message);
    throw e;
  }
}

/** Pyodide in this process (conformance/adapters/pyodide.ts); of the driver flags only --timeout applies. */
async function startPyodide(impl: string, o: DriverOptions): Promise<Adapter> {
  checkFlags('module', o);
  const path = impl === 'pyodide' ? undefined : impl.slice('pyodide:'.length);
  if (path === '') throw new UsageError('--impl pyodide:<folder> wants the folder of a Pyodide distribution');
  try {
    // its own deadlines end a stuck program with 'hang'; this one only catches what escapes them
    return withDeadline(await startPyodideAdapter({ path, timeoutMs: o.timeoutMs }), o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (e) {
    if (e instanceof PyodideStartError) throw new UsageError(e.message);
    throw e;
  }
}

/** The file of an adapter module, or a UsageError when there is none. */
export function adapterModuleFile(impl: string): string {
  const file = resolve(impl);
  const stat = statOf(file);
  if (!stat) throw new UsageError(`adapter module not found: ${file}`);
  if (stat.isDirectory()) throw new UsageError(`adapter module ${file} is a folder: name the module file`);
  if (!/\.[cm]?[jt]sx?$/.test(file))
    throw new UsageError(`adapter module ${file} is not a JavaScript or TypeScript module (.ts, .mts, .cts, .js, .mjs, .cjs)`);
  return file;
}

export async function loadAdapter(impl: string, o: DriverOptions = {}, profile?: string): Promise<Adapter> {
  if (impl === 'python' || impl.startsWith('python:') || impl.startsWith('exec:')) return startDriver(impl, o);
  if (impl === 'pyodide' || impl.startsWith('pyodide:')) return startPyodide(impl, o);
  const builtIn = Object.hasOwn(BUILT_IN, impl) ? BUILT_IN[impl] : undefined;
  checkFlags(builtIn ? 'built-in' : 'module', o);
  if (builtIn) return builtIn(profile);
  const looksLikePath = /[\\/.]/.test(impl);
  if (!looksLikePath)
    throw new UsageError(
      `unknown implementation '${impl}': use one of ${Object.keys(BUILT_IN).join(', ')}, python, python:<interpreter>, exec:<driver>, pyodide, pyodide:<folder>, or a path to an adapter module`,
    );
  const file = adapterModuleFile(impl);
  const commonJs = isCommonJs(file);
  let exports: unknown;
  try {
    exports = await loadModule(file, commonJs);
  } catch (e) {
    throw new UsageError(`adapter module ${file} failed to load: ${loadError(e, file)}`);
  }
  const exported = exportedAdapter(exports, commonJs);
  const how = commonJs
    ? 'set module.exports to an adapter object or a function that returns one (or exports.adapter / exports.createAdapter)'
    : 'export default an adapter object or a function that returns one (or name it `adapter` / `createAdapter`)';
  if (exported === undefined) throw new UsageError(`adapter module ${file} exports no adapter: ${how}`);
  if (!isObject(exported) && typeof exported !== 'function')
    throw new UsageError(`adapter module ${file} exports ${what(exported)} where the adapter should be: ${how}`);
  let adapter: unknown = exported;
  try {
    if (typeof exported === 'function') adapter = await (exported as () => unknown)();
  } catch (e) {
    throw new UsageError(`adapter factory in ${file} threw: ${firstLine(e)}`);
  }
  if (typeof adapter !== 'object' || adapter === null)
    throw new UsageError(`adapter factory in ${file} returned ${what(adapter)}, not an adapter object`);
  const problems = adapterProblems(adapter);
  if (problems.length > 0) throw new UsageError(`adapter exported by ${file} is malformed:\n  - ${problems.join('\n  - ')}`);
  // A module's run may never settle or may throw: each run gets a deadline and faults become traces.
  return withDeadline(adapter as Adapter, o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/**
 * Whether Node runs `file` as CommonJS: a .cjs or .cts always, a .mjs or .mts never, any other
 * unless the nearest package.json says "type": "module" (an ordinary npm package has no "type").
 */
function isCommonJs(file: string): boolean {
  if (/\.c[jt]s$/.test(file)) return true;
  if (/\.m[jt]s$/.test(file)) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      if (dirname(dir) === dir) return true;
      continue;
    }
    try {
      return JSON.parse(text)?.type !== 'module';
    } catch {
      return true; // Node refuses the package.json itself, which says so better
    }
  }
}

/** tsx's ES module loader for adapter modules, in a namespace of its own, kept: a module may import more later. */
let importEsm: ((specifier: string, parent: string) => Promise<unknown>) | undefined;

/**
 * An adapter module's module.exports (CommonJS) or namespace (an ES module), loaded the way Node
 * runs it, with TypeScript anywhere through tsx. A CommonJS module is required, through the
 * CommonJS hooks that bin/loopspec.mjs registers, as `tsx` does: imported, Node's ES module
 * loader would run it with a require() of its own that fails on ES modules (a .cts importing
 * loopspec's). Either is loaded from the module itself, as its parent: from a TypeScript parent,
 * tsx resolves a `.js` to a `.ts` beside it, if there is one, and the user named the `.js`.
 */
async function loadModule(file: string, commonJs: boolean): Promise<unknown> {
  if (commonJs) return createRequire(file)(file);
  importEsm ??= registerEsm({ namespace: 'loopspec-adapter' }).import;
  const url = pathToFileURL(file).href;
  return importEsm(url, url);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Whether `v` is meant as an adapter (it has one of an adapter's members), not as a holder of one. */
function looksLikeAdapter(v: Record<string, unknown>): boolean {
  return ['name', 'version', 'capabilities', 'run', 'close'].some((k) => k in v);
}

/**
 * What a module exports as its adapter, or undefined: the default export, else the one named
 * `adapter`, else `createAdapter`. A CommonJS module.exports is the adapter or its factory
 * itself, or holds it under one of those names (`default` where it was compiled from ES module
 * syntax). tsx runs a module that assigns exports as CommonJS even in an ES module's place:
 * imported, its default export is that module.exports.
 */
function exportedAdapter(exports: unknown, commonJs: boolean): unknown {
  if (commonJs && (!isObject(exports) || looksLikeAdapter(exports))) return exports;
  if (!isObject(exports)) return undefined;
  const found = exports.default ?? exports.adapter ?? exports.createAdapter;
  if (!commonJs && isObject(found) && !looksLikeAdapter(found)) return exportedAdapter(found, true);
  return found;
}

/** A value that is no adapter, as the message names it: a string ('abc'), null. */
function what(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  const shown = inspect(v, { breakLength: Number.POSITIVE_INFINITY, maxStringLength: 40 });
  return `${/^[aeiou]/.test(typeof v) ? 'an' : 'a'} ${typeof v} (${shown})`;
}

/** Why a module failed to load, on one line: a syntax error with where it is (esbuild's, as tsx reports it, or Node's). */
function loadError(e: unknown, file: string): string {
  const esbuild = /:(\d+):(\d+): ERROR: (.*)$/m.exec(e instanceof Error ? e.message : '');
  if (esbuild) return `${esbuild[3]} (line ${esbuild[1]}, column ${Number(esbuild[2]) + 1})`;
  const line = e instanceof SyntaxError ? e.stack?.split('\n')[0].match(/:(\d+)$/)?.[1] : undefined;
  return line && e instanceof Error && e.stack?.startsWith(file) ? `${firstLine(e)} (line ${line})` : firstLine(e);
}

/** An error's message, first line only: a syntax error's comes with the offending source. */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
