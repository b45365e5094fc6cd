/**
 * One row of the matrix: its implementation run by `loopspec run`'s own function
 * (tool/cli/run.ts runCommand, with the flags of its entry), so the row's report, JUnit,
 * Markdown, HTML and counterexample files are exactly what `loopspec run` writes, in
 * `<out>/<name>/`, and what it prints goes to `<out>/<name>/run.log`. An implementation that
 * cannot be started (its interpreter, pyenv version or driver missing here, an unknown
 * `--impl`, a driver that fails its handshake: what `loopspec run` refuses with exit 2) is a
 * row that says so, in `<out>/<name>/unavailable.txt` too. Rows are read back from those
 * files, so `--from-reports` makes the same matrix from the files of earlier runs (the shards
 * of a CI job).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../conformance/load-adapter.ts';
import { readReport } from '../gate/index.ts';
import type { Io } from '../cli/options.ts';
import { write } from '../cli/outputs.ts';
import { runCommand, type RunOptions } from '../cli/run.ts';
import { entryEnv } from './config.ts';
import type { MatrixEntry } from './config.ts';
import type { MatrixRow } from './status.ts';

/** The files of a row, in its folder. */
export const ROW_FILES = {
  json: 'report.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
  html: 'report.html',
  log: 'run.log',
  unavailable: 'unavailable.txt',
  counterexamples: 'counterexamples',
} as const;

export interface RowRun {
  row: MatrixRow;
  /** What runCommand returned (130 or 143 when a signal stopped it), or 2 when it could not start. */
  code: number;
}

/** The implementation cannot be had here: the row says why. */
class Unavailable extends Error {}

/** `pyenv:<version>` as `python:<its python3>`; every other impl as it is. */
export function resolvePyenv(target: string): string {
  if (!target.startsWith('pyenv:')) return target;
  const version = target.slice('pyenv:'.length);
  let prefix: string;
  try {
    prefix = execFileSync('pyenv', ['prefix', version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Unavailable(`pyenv is not installed here (${target} needs it)`);
    const said =
      String(err.stderr ?? '')
        .trim()
        .split('\n')[0] || err.message;
    throw new Unavailable(`pyenv prefix ${version} failed: ${said}`);
  }
  const python = join(prefix, 'bin', 'python3');
  if (!existsSync(python)) throw new Unavailable(`pyenv's ${version} has no ${python}`);
  return `python:${python}`;
}

/** Sets the entry's environment variables until the returned function puts them back. */
function withEnv(entry: MatrixEntry): () => void {
  const vars = entryEnv(entry);
  const before = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Removes what an earlier matrix left in the row's folder, so no old file passes for this run's. */
function clearRow(dir: string): void {
  for (const f of Object.values(ROW_FILES)) rmSync(join(dir, f), { recursive: true, force: true });
}

export interface RunRowOptions {
  out: string;
  runs?: number;
  seed: number;
  progress?: boolean;
  io: Io;
}

/** Runs one entry as `loopspec run` would; what it prints goes to its log, what it says on stderr to ours, prefixed. */
export async function runRow(entry: MatrixEntry, o: RunRowOptions): Promise<RowRun> {
  const dir = join(o.out, entry.name);
  const file = (f: string) => join(dir, f);
  clearRow(dir);
  const log: string[] = [];
  const unavailable = (impl: string, reason: string): RowRun => {
    write(file(ROW_FILES.unavailable), `${reason}\n`);
    return { row: { entry, impl, report: null, missing: { kind: 'unavailable', reason }, dir }, code: 2 };
  };
  let impl: string;
  try {
    impl = resolvePyenv(entry.target);
  } catch (e) {
    if (e instanceof Unavailable) return unavailable(entry.target, e.message);
    throw e;
  }
  const io: Io = {
    out: (s) => log.push(s),
    err: (s) => {
      log.push(s);
      o.io.err(`${entry.name}: ${s}`);
    },
    isTTY: o.io.isTTY,
    env: o.io.env,
  };
  const opts: RunOptions = {
    impl,
    profile: entry.profile,
    runs: o.runs,
    seed: o.seed,
    progress: o.progress,
    policy: entry.policy,
    loopFactory: entry.loopFactory,
    setup: entry.setup,
    timeout: entry.timeout,
    driverArg: entry.driverArgs,
    expect: entry.expectations?.file,
    json: file(ROW_FILES.json),
    junit: file(ROW_FILES.junit),
    markdown: file(ROW_FILES.markdown),
    html: file(ROW_FILES.html),
    saveFailures: file(ROW_FILES.counterexamples),
  };
  const restore = withEnv(entry);
  let code: number;
  try {
    code = await runCommand(opts, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return unavailable(impl, e.message.replace(/\n\s*/g, ' '));
  } finally {
    restore();
    write(file(ROW_FILES.log), `${log.join('\n')}\n`);
  }
  return { row: readRow(entry, o.out, impl), code };
}

/** A row from the files in its folder: its report, else why it has none. */
export function readRow(entry: MatrixEntry, out: string, impl?: string): MatrixRow {
  const dir = join(out, entry.name);
  const json = join(dir, ROW_FILES.json);
  const why = join(dir, ROW_FILES.unavailable);
  if (existsSync(json)) {
    const report = readReport(json);
    // The --impl it ran with, as its report keeps it for replay commands.
    const ran = impl ?? (report.replay?.[0] === '--impl' ? report.replay[1] : entry.target);
    return { entry, impl: ran, report, missing: null, dir };
  }
  if (existsSync(why)) {
    const reason = readFileSync(why, 'utf8').trim();
    return { entry, impl: impl ?? entry.target, report: null, missing: { kind: 'unavailable', reason }, dir };
  }
  return { entry, impl: impl ?? entry.target, report: null, missing: { kind: 'not-run', reason: `not run: no report in ${dir}` }, dir };
}
