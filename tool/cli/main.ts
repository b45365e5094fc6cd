/**
 * The command line: `loopspec run` runs the suite against an implementation (run.ts); the
 * other commands work on saved results (commands.ts). Exit codes (options.ts): 0 every rule
 * passed (or was skipped for a stated capability), 1 some rule failed, errored or was not
 * exercised, 2 bad usage or a broken adapter, 130 interrupted, 143 terminated.
 */
import { Command, CommanderError } from 'commander';
import { DEFAULT_RUNS } from '../../conformance/runner.ts';
import { DEFAULT_DEADLINE_FLOOR_MS } from '../../conformance/deadlines.ts';
import { RULES } from '../../spec/rules.ts';
import { DEFAULT_PROFILE, PROFILES } from '../../spec/profiles.ts';
import { LOOPSPEC_VERSION } from '../../conformance/version.ts';
import { loadAdapter, UsageError } from '../../conformance/load-adapter.ts';
import { diffCommand, mergeCommand, prepareReplay, replayCommand, reportCommand, reproCommand } from './commands.ts';
import { collect, defaultIo, EXIT, int32, MAX_JOBS, positiveInt, replayPath, rerunCount, type Io } from './options.ts';
import { driverOptions, runCommand, type RunOptions } from './run.ts';
import { closeAll, stopAtOnce } from './signals.ts';
import { addMatrixCommand } from './matrix.ts';

export { EXIT, selectRules } from './options.ts';
export type { Io } from './options.ts';

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('loopspec')
    .description("Conformance suite for Python asyncio's event-loop semantics")
    .version(LOOPSPEC_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showSuggestionAfterError();

  program
    .command('run')
    .description('run the suite against an implementation (the built-in reference by default)')
    .option(
      '--impl <name|path>',
      "'reference', 'oracle', a path to an adapter module, 'python' (python3 on PATH), 'python:<interpreter>', or 'exec:<driver>' (any driver speaking protocol/PROTOCOL.md)",
      'reference',
    )
    .option(
      '--profile <name>',
      `the CPython version whose semantics are expected: ${PROFILES.map((p) => p.name).join(', ')} (default: the implementation's own, else ${DEFAULT_PROFILE})`,
    )
    .option('--runs <n>', `programs generated per rule (default ${DEFAULT_RUNS})`, positiveInt('--runs', 1_000_000))
    .option('--seed <n>', 'seed of the run (printed with every run, to replay it)', int32)
    .option('--rule <id...>', 'only these rules or rule groups (repeatable, or comma-separated)')
    .option('--path <path>', "fast-check's replay path of a counterexample (with --rule and --seed)", replayPath)
    .option(
      '--verify <n>',
      'rerun each counterexample n times (default 1) and say whether it failed again every time; a failure seen once stays the verdict, marked intermittent',
      rerunCount,
    )
    .option('--progress', 'print progress even when not on a terminal or in CI')
    .option('--no-progress', 'never print progress')
    .option('--policy <module:attr>', 'python: event loop policy class, installed at the start of every program')
    .option('--loop-factory <module:attr>', 'python: callable returning a loop, used in place of asyncio.new_event_loop')
    .option('--setup <module:attr>', 'python: function run once in the driver at start (for libraries that patch asyncio)')
    .option(
      '--timeout <ms>',
      'out-of-process: the longest deadline a program gets, in ms (default 10000); past its deadline the program is stuck (a hang or a timeout)',
      positiveInt('--timeout'),
    )
    .option(
      '--deadline-floor <ms>',
      `each program's deadline is this (default ${DEFAULT_DEADLINE_FLOOR_MS}) plus 3 times its sleeps and timers, at most --timeout`,
      positiveInt('--deadline-floor'),
    )
    .option(
      '--handshake-timeout <ms>',
      'out-of-process: how long a driver has to answer the handshake, at its start and at every restart (default 15000)',
      positiveInt('--handshake-timeout'),
    )
    .option('--validate-protocol', 'out-of-process: validate every message against protocol/schemas')
    .option(
      '--driver-arg <arg>',
      'exec: an argument of the driver (repeatable, in order; use --driver-arg=-x for one that starts with a dash)',
      collect,
    )
    .option(
      '--jobs <n>',
      'driver processes running programs side by side (default: from the cores and how long the programs wait on timers, at most 16, for python and exec drivers; 1 in-process)',
      positiveInt('--jobs', MAX_JOBS),
    )
    .option('--shard <i/n>', 'run only shard i of n (1-based); join the JSON reports with `loopspec merge`')
    .option('--expect <file>', 'expectations file: exit 0 when the results match it, 1 on any surprise')
    .option('--write-expect <file>', 'write an expectations file from this run (edit the reasons)')
    .option('--json <file>', 'write the JSON report (protocol/schemas/report.schema.json)')
    .option('--junit <file>', 'write JUnit XML')
    .option('--markdown <file>', 'write a Markdown summary (for a CI job summary or a pull request)')
    .option('--html <file>', 'write the HTML report')
    .option('--save-failures <dir>', 'save each failure as a counterexample file (for replay and repro)')
    .action(async (opts: RunOptions) => {
      code = await runCommand(opts, io);
    });

  program
    .command('diff')
    .description('compare two JSON reports rule by rule; exit 1 if a rule regressed')
    .argument('<old>', 'the earlier JSON report')
    .argument('<new>', 'the later JSON report')
    .action((oldFile: string, newFile: string) => {
      code = diffCommand(oldFile, newFile, io.out);
    });

  program
    .command('merge')
    .description('join the JSON reports of the shards of one run')
    .requiredOption('-o, --output <file>', 'the merged JSON report')
    .argument('<shards...>', 'the shard reports')
    .action((files: string[], o: { output: string }) => {
      code = mergeCommand(files, o.output, io.out);
    });

  program
    .command('report')
    .description('render JSON reports of several implementations as one HTML matrix')
    .requiredOption('--html <file>', 'the HTML file to write')
    .option('--impl-name <impl...>', 'the --impl of each report, in order, for replay commands')
    .argument('<reports...>', 'JSON reports')
    .action((files: string[], o: { html: string; implName?: string[] }) => {
      code = reportCommand(files, o.html, o.implName, io.out);
    });

  program
    .command('replay')
    .description('run one saved counterexample against an implementation and show expected against actual')
    .argument('<counterexample>', 'a counterexample file (run --save-failures)')
    .option('--impl <name|path>', 'the implementation, as for run', 'reference')
    .option('--profile <name>', "the profile to judge by (default: the counterexample's)")
    .option('--policy <module:attr>', 'python: as for run')
    .option('--loop-factory <module:attr>', 'python: as for run')
    .option('--setup <module:attr>', 'python: as for run')
    .option('--timeout <ms>', 'out of process and adapter modules: as for run', positiveInt('--timeout'))
    .option('--handshake-timeout <ms>', 'out of process: as for run', positiveInt('--handshake-timeout'))
    .option('--driver-arg <arg>', 'exec: as for run', collect)
    .action(async (file: string, o: RunOptions) => {
      // Everything about the file is checked before the implementation starts; oracle and
      // reference follow the profile it is judged by.
      const { c, profile } = prepareReplay(file, o.profile);
      const adapter = await loadAdapter(o.impl, driverOptions(o), profile.name);
      const release = stopAtOnce(io, [adapter]);
      try {
        code = await replayCommand(c, adapter, profile, io.out);
      } finally {
        await closeAll([adapter], io);
        release();
      }
    });

  program
    .command('repro')
    .description('print a standalone reproducer of a saved counterexample')
    .argument('<counterexample>', 'a counterexample file (run --save-failures)')
    .requiredOption('--as <language>', 'python (a stdlib-only script) or typescript (a tsx snippet)')
    .option('--adapter <path>', 'with --as typescript: the adapter module to run it against')
    .action((file: string, o: { as: string; adapter?: string }) => {
      code = reproCommand(file, o.as, o.adapter, io.out);
    });

  addMatrixCommand(program, io, (c) => {
    code = c;
  });

  program
    .command('rules')
    .description('list the rules of the specification')
    .action(() => {
      for (const r of RULES) if (!r.retired) io.out(`${r.id.padEnd(8)} ${r.title}`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`loopspec: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  return code;
}
