/**
 * `loopspec matrix <config>`: the suite against every implementation of a config file
 * (tool/matrix/config.ts), one after the other, each through `loopspec run`'s own function
 * (tool/matrix/run.ts), then the matrix of their reports as HTML and Markdown
 * (tool/report/matrix-html.ts, matrix-markdown.ts), rewritten after each implementation so a
 * stopped matrix still shows the ones that finished. Everything is checked before anything
 * runs (the config, every expectations file, --only, the output folder): bad input is exit 2
 * and nothing is written. Exit 0 when every implementation did what its expectations file says
 * (or passed, without one), 1 when one did not or could not be started (unless optional),
 * 130 or 143 when a signal stopped it (see signals.ts: the first Ctrl-C finishes the current
 * rule of the current implementation, then the matrix stops there).
 */
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DEFAULT_RUNS } from '../../conformance/runner.ts';
import { chooseEntries, readMatrixConfig } from '../matrix/config.ts';
import type { MatrixEntry } from '../matrix/config.ts';
import { readRow, runRow } from '../matrix/run.ts';
import type { Matrix, MatrixRow } from '../matrix/status.ts';
import { countsLine, matrixExit, matrixSummary, rowStatus } from '../matrix/status.ts';
import { toMatrixHtml } from '../report/matrix-html.ts';
import { toMatrixMarkdown } from '../report/matrix-markdown.ts';
import { asUsage } from './commands.ts';
import { checkOutputFolder } from './files.ts';
import { collect, EXIT, int32, positiveInt, type Io } from './options.ts';
import { againWithJspi, mayRestartWithJspi } from './jspi.ts';
import { write } from './outputs.ts';

export const DEFAULT_MATRIX_OUT = 'loopspec-matrix';

export interface MatrixOptions {
  out: string;
  only?: string[];
  runs?: number;
  seed?: number;
  progress?: boolean;
  fromReports?: boolean;
}

/** The views of the matrix, in `out`. */
function writeViews(matrix: Matrix, out: string): string[] {
  const files: Array<[string, string]> = [
    [join(out, 'matrix.html'), toMatrixHtml(matrix)],
    [join(out, 'matrix.md'), toMatrixMarkdown(matrix)],
  ];
  for (const [file, text] of files) write(file, text);
  return files.map(([file]) => file);
}

/** "loopspec-reference 0.1.0, cpython-3.12: 38 pass, 2 fail · as expected (2 known deviations: GET-3, NEW-4)" */
function rowLine(row: MatrixRow): string {
  const s = rowStatus(row);
  const r = row.report;
  return r ? `${r.implementation.name} ${r.implementation.version}, ${r.profile}: ${countsLine(r)} · ${s.summary}` : s.summary;
}

const BIN = fileURLToPath(new URL('../../bin/loopspec.mjs', import.meta.url));
/** Whether this process is bin/loopspec.mjs (started by path, or through npx's link to it). */
function isBin(script: string | undefined): boolean {
  try {
    return script !== undefined && realpathSync(resolve(script)) === realpathSync(BIN);
  } catch {
    return false;
  }
}
/**
 * A Pyodide row is judged as `loopspec run --impl pyodide` judges it: bin/loopspec.mjs starts
 * itself again with the stack-switching flag for that command line, which cannot see the
 * config's rows, so a matrix with a Pyodide row to run does the same, unless Node has the flag
 * or LOOPSPEC_NO_JSPI is set. Only from the command line: called in process (tests), the row
 * runs without it, and its report's header says so.
 */
export function wantsJspi(entries: MatrixEntry[], env: Io['env'], execArgv: string[], script: string | undefined): boolean {
  const pyodide = entries.some((e) => /^pyodide(:|$)/.test(e.target));
  return pyodide && mayRestartWithJspi(env, execArgv) && isBin(script);
}

export async function matrixCommand(file: string, o: MatrixOptions, io: Io): Promise<number> {
  const config = readMatrixConfig(file);
  const entries = chooseEntries(config, o.only);
  checkOutputFolder('--out', o.out);
  if (!o.fromReports && wantsJspi(entries, io.env, process.execArgv, process.argv[1])) return againWithJspi(BIN, process.argv.slice(2));
  const runs = o.runs ?? config.runs ?? DEFAULT_RUNS;
  // One seed for every row, chosen here: the matrix is replayed with it.
  const seed = o.seed ?? config.seed ?? Date.now() % 2 ** 31;
  const inCi = Boolean(io.env.CI) && io.env.CI !== 'false';
  const progress = o.progress ?? (io.isTTY && !inCi);
  const pending = (entry: (typeof entries)[number], reason: string): MatrixRow => ({
    entry,
    impl: entry.target,
    report: null,
    missing: { kind: 'not-run', reason },
    dir: join(o.out, entry.name),
  });
  const rows = entries.map((e) => pending(e, 'not run yet'));
  const matrix: Matrix = { config: file, description: config.description, seed, runs, rows };
  const n = entries.length;
  const tag = (i: number) => `[${i + 1}/${n}] ${entries[i].name}`;
  let code: number = EXIT.ok;
  if (o.fromReports) {
    // Every report is read (and checked) before a word is said.
    for (const [i, entry] of entries.entries()) rows[i] = asUsage(() => readRow(entry, o.out));
    const first = rows.find((r) => r.report)?.report;
    if (first) Object.assign(matrix, { seed: first.seed, runs: first.runs });
    io.out(`loopspec matrix: ${n} implementation${n === 1 ? '' : 's'} of ${file}, from the reports in ${o.out}`);
    for (const [i, row] of rows.entries()) io.out(`${tag(i)}: ${rowLine(row)}`);
  } else {
    io.out(
      `loopspec matrix: ${n} implementation${n === 1 ? '' : 's'} of ${file}, seed ${seed}, ${runs} programs per rule, reports in ${o.out}`,
    );
    for (const [i, entry] of entries.entries()) {
      if (progress) io.err(`${tag(i)}: running --impl ${entry.impl}`);
      const started = Date.now();
      const ran = await runRow(entry, { out: o.out, runs, seed, progress, io });
      rows[i] = ran.row;
      io.out(`${tag(i)}: ${rowLine(ran.row)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (ran.code === EXIT.interrupted || ran.code === EXIT.terminated) {
        code = ran.code;
        for (let j = i + 1; j < n; j++) rows[j] = pending(entries[j], 'not run: the matrix was interrupted');
        break;
      }
      // After each row: a matrix stopped at once still shows the rows that finished.
      if (i < n - 1) writeViews(matrix, o.out);
    }
  }
  for (const f of writeViews(matrix, o.out)) io.out(`wrote ${f}`);
  io.out(`loopspec matrix: ${matrixSummary(rows)}`);
  return code !== EXIT.ok ? code : matrixExit(rows);
}

/** Adds `matrix` to the program; `done` receives its exit code. */
export function addMatrixCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('matrix')
    .description('run the suite against every implementation of a config file; write their reports and the matrix (HTML, Markdown)')
    .argument('<config>', 'the matrix config (protocol/schemas/matrix.schema.json), e.g. examples/matrix.json')
    .option(
      '--out <dir>',
      `the folder of the matrix and of each implementation's reports (default ${DEFAULT_MATRIX_OUT})`,
      DEFAULT_MATRIX_OUT,
    )
    .option(
      '--only <name>',
      'run only this implementation of the config (repeatable, or comma-separated): a CI job sharded by implementation',
      collect,
    )
    .option('--runs <n>', "programs generated per rule (default: the config's, else 100)", positiveInt('--runs', 1_000_000))
    .option('--seed <n>', "seed of every implementation's run (default: the config's, else chosen and printed)", int32)
    .option('--progress', 'print progress even when not on a terminal or in CI')
    .option('--no-progress', 'never print progress')
    .option('--from-reports', "run nothing: make the matrix from each implementation's files already in --out (the shards of a CI job)")
    .action(async (config: string, o: MatrixOptions) => {
      done(await matrixCommand(config, o, io));
    });
}
