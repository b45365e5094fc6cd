/**
 * The configuration of `loopspec matrix` (protocol/schemas/matrix.schema.json): the
 * implementations to run, each with the flags `loopspec run` would take for it. Everything is
 * checked when the file is read, before anything runs: the schema, unique names, flags that
 * fit the kind of implementation, profiles, every expectations file. A bad file is a
 * UsageError (exit 2) naming the file and the entry. Whether an implementation can be started
 * here (an interpreter, a pyenv version, an unknown name such as `pyodide`) is not the file's
 * fault: that is found out when it runs, and its row says so.
 *
 * Relative paths are relative to the config file: `expect`, `pythonPath`, an adapter module
 * in `impl`, and the interpreter of `python:<path>`, the driver of `exec:<path>` or the folder
 * of `pyodide:<path>` when they contain a slash. `pyenv:<version>` is the python3 of `pyenv
 * prefix <version>`, resolved when the implementation runs, so one file serves every machine
 * with pyenv.
 */
import { readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, relative, resolve } from 'node:path';
import { BUILT_IN, UsageError } from '../../conformance/load-adapter.ts';
import { matrixConfigProblems } from '../../protocol/validate.ts';
import { requireProfile, UnknownProfileError } from '../../spec/profiles.ts';
import { GateError, readExpectations } from '../gate/index.ts';
import type { Expectations } from '../gate/index.ts';

export const MATRIX_CONFIG_VERSION = 1;

/**
 * How an implementation is reached, which decides the flags it takes (as conformance/load-adapter.ts
 * checks them). Pyodide (`pyodide`, `pyodide:<folder>`) runs in process and takes --timeout only,
 * as an adapter module does.
 */
export type ImplKind = 'python' | 'exec' | 'module' | 'built-in';

export interface MatrixEntry {
  name: string;
  /** `impl` as the file says it. */
  impl: string;
  /** `impl` with its path resolved against the config file (`pyenv:` is resolved when it runs). */
  target: string;
  kind: ImplKind;
  description?: string;
  optional: boolean;
  profile?: string;
  policy?: string;
  loopFactory?: string;
  setup?: string;
  driverArgs?: string[];
  timeout?: number;
  /** The expectations file, read and checked, its `file` the path as given from the working directory. */
  expectations?: Expectations;
  /** Absolute folders, first on PYTHONPATH. */
  pythonPath?: string[];
  env?: Record<string, string>;
}

export interface MatrixConfig {
  /** The file, as named on the command line. */
  file: string;
  description?: string;
  runs?: number;
  seed?: number;
  implementations: MatrixEntry[];
}

/** An entry as the file has it. */
type RawEntry = Omit<MatrixEntry, 'target' | 'kind' | 'optional' | 'expectations'> & { optional?: boolean; expect?: string };

/** The fields of an entry that only some kinds of implementation take, and the kinds that do. */
const ONLY_FOR: Array<[field: keyof RawEntry, kinds: ImplKind[], who: string]> = [
  ['policy', ['python'], 'a python implementation (python, python:<interpreter>, pyenv:<version>)'],
  ['loopFactory', ['python'], 'a python implementation (python, python:<interpreter>, pyenv:<version>)'],
  ['setup', ['python'], 'a python implementation (python, python:<interpreter>, pyenv:<version>)'],
  ['driverArgs', ['exec'], 'an exec:<driver> implementation'],
  ['pythonPath', ['python', 'exec'], 'an out-of-process implementation (python, pyenv:, exec:)'],
  ['timeout', ['python', 'exec', 'module'], 'an out-of-process implementation or an adapter module'],
];

export function implKind(impl: string): ImplKind {
  if (impl === 'python' || impl.startsWith('python:') || impl.startsWith('pyenv:')) return 'python';
  if (impl.startsWith('exec:')) return 'exec';
  return Object.hasOwn(BUILT_IN, impl) ? 'built-in' : 'module';
}

/** `impl` with the path it names resolved against `dir`; a name that is no path is left to loadAdapter. */
function resolveTarget(impl: string, kind: ImplKind, dir: string): string {
  const at = (p: string) => (p.includes('/') && !isAbsolute(p) ? resolve(dir, p) : p);
  const prefix = /^(python|exec|pyodide):/.exec(impl)?.[0];
  if (prefix) return `${prefix}${at(impl.slice(prefix.length))}`;
  if (kind === 'module' && /[\\/.]/.test(impl)) return resolve(dir, impl);
  return impl;
}

/** A path for messages and views: relative to the working directory when under it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function entryOf(raw: RawEntry, i: number, file: string, dir: string): MatrixEntry {
  const where = `${file}: implementations[${i}] (${raw.name})`;
  const kind = implKind(raw.impl);
  for (const prefix of ['python:', 'exec:', 'pyenv:'])
    if (raw.impl === prefix)
      throw new UsageError(`${where}: impl ${prefix} wants what follows the colon (an interpreter, a driver, a version)`);
  for (const [field, kinds, who] of ONLY_FOR)
    if (raw[field] !== undefined && !kinds.includes(kind))
      throw new UsageError(`${where}: ${field} works with ${who} only, not '${raw.impl}'`);
  if (raw.profile !== undefined) {
    try {
      requireProfile(raw.profile);
    } catch (e) {
      if (e instanceof UnknownProfileError) throw new UsageError(`${where}: ${e.message}`);
      throw e;
    }
  }
  let expectations: Expectations | undefined;
  if (raw.expect !== undefined) {
    try {
      expectations = readExpectations(shown(resolve(dir, raw.expect)));
    } catch (e) {
      if (e instanceof GateError) throw new UsageError(`${where}: ${e.message}`);
      throw e;
    }
  }
  const { expect: _, optional, pythonPath, ...rest } = raw;
  return {
    ...rest,
    target: resolveTarget(raw.impl, kind, dir),
    kind,
    optional: optional ?? false,
    ...(expectations ? { expectations } : {}),
    ...(pythonPath ? { pythonPath: pythonPath.map((p) => resolve(dir, p)) } : {}),
  };
}

/** Reads and checks the whole file; any problem is a UsageError with one line saying what and where. */
export function readMatrixConfig(file: string): MatrixConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`matrix config ${file} does not exist`);
    if (code === 'EISDIR') throw new UsageError(`matrix config ${file} is a directory, not a file`);
    throw new UsageError(`cannot read matrix config ${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`matrix config ${file} is not JSON: ${(e as Error).message}`);
  }
  const o = value as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new UsageError(`matrix config ${file} must be a JSON object`);
  if (typeof o.format === 'string' && o.format.startsWith('loopspec-'))
    throw new UsageError(`${file} is a ${o.format.slice('loopspec-'.length)} file, not a matrix config`);
  if (typeof o.version === 'number' && o.version !== MATRIX_CONFIG_VERSION)
    throw new UsageError(
      `${file}: matrix config version ${o.version} is not supported: this loopspec reads version ${MATRIX_CONFIG_VERSION}`,
    );
  const problems = matrixConfigProblems(value);
  if (problems.length > 0) throw new UsageError(`${file} is not a valid matrix config: ${problems.slice(0, 3).join('; ')}`);
  const raw = o as unknown as { description?: string; runs?: number; seed?: number; implementations: RawEntry[] };
  const dir = dirname(resolve(file));
  const seen = new Map<string, number>();
  for (const [i, e] of raw.implementations.entries()) {
    const first = seen.get(e.name);
    if (first !== undefined)
      throw new UsageError(`${file}: implementations[${i}] and implementations[${first}] are both named '${e.name}'`);
    seen.set(e.name, i);
  }
  return {
    file,
    description: raw.description,
    runs: raw.runs,
    seed: raw.seed,
    implementations: raw.implementations.map((e, i) => entryOf(e, i, file, dir)),
  };
}

/** The entries `--only` names (repeatable, or comma-separated), in the file's order; all without it. */
export function chooseEntries(config: MatrixConfig, only: string[] | undefined): MatrixEntry[] {
  if (only === undefined) return config.implementations;
  const names = new Set(config.implementations.map((e) => e.name));
  const wanted = new Set(only.flatMap((x) => x.split(',')).map((x) => x.trim()));
  for (const w of wanted)
    if (!names.has(w))
      throw new UsageError(`--only ${w}: ${config.file} has no implementation named '${w}' (it has ${[...names].join(', ')})`);
  return config.implementations.filter((e) => wanted.has(e.name));
}

/** The environment variables an entry sets for its run: `env`, and PYTHONPATH with `pythonPath` first. */
export function entryEnv(entry: MatrixEntry, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const vars = { ...entry.env };
  if (entry.pythonPath) {
    const rest = vars.PYTHONPATH ?? base.PYTHONPATH;
    vars.PYTHONPATH = [...entry.pythonPath, ...(rest ? [rest] : [])].join(delimiter);
  }
  return vars;
}
