/**
 * The command line: `loopspec run` runs the suite against an implementation.
 * Exit codes: 0 every rule passed (or was skipped for a stated capability), 1 some rule
 * failed, errored or was not exercised, 2 bad usage or a broken adapter.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_RUNS, runSuite } from '../../conformance/runner.ts';
import { DEFAULT_DEADLINE_FLOOR_MS } from '../../conformance/deadlines.ts';
import { DEFAULT_TIMEOUT_MS } from '../../conformance/adapters/process.ts';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import { GROUP_TITLES, RULES } from '../../spec/rules.ts';
import { DEFAULT_PROFILE, PROFILES, requireProfile } from '../../spec/profiles.ts';
import { LOOPSPEC_VERSION } from '../../conformance/version.ts';
import type { Profile } from '../../spec/profiles.ts';
import { loadAdapter, UsageError, type DriverOptions } from '../../conformance/load-adapter.ts';
import { terminalReport } from './report.ts';
import { asUsage, diffCommand, exitOf, mergeCommand, replayCommand, reportCommand, reproCommand } from './commands.ts';
import { gate, prepareOutputs, writeOutputs } from './outputs.ts';
import type { OutputOptions } from './outputs.ts';
import { readCounterexample } from '../repro/counterexample.ts';
import { parseShard, readExpectations, shardRules } from '../gate/index.ts';

export const EXIT = { ok: 0, fail: 1, usage: 2, interrupted: 130 } as const;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
};

/** A whole number from 1 to `max` (past it, a number is a typo or overflows a timer). */
function positiveInt(name: string, max = 2 ** 31 - 1) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive whole number, got '${v}'`);
    if (Number(v) > max) throw new InvalidArgumentError(`${name} must be at most ${max}, got '${v}'`);
    return Number(v);
  };
}

/** A count from 0 to 100 (reruns of a counterexample). */
function rerunCount(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 100) throw new InvalidArgumentError(`--verify must be a whole number from 0 to 100, got '${v}'`);
  return Number(v);
}

function replayPath(v: string): string {
  if (!/^\d+(:\d+)*$/.test(v))
    throw new InvalidArgumentError(`a replay path is numbers separated by colons (as printed after a failure), got '${v}'`);
  return v;
}

/** fast-check's seeds are 32-bit: 2147483648 would run the same as -2147483648. */
function int32(v: string): number {
  if (!/^-?\d+$/.test(v) || Number(v) < -(2 ** 31) || Number(v) > 2 ** 31 - 1)
    throw new InvalidArgumentError(`seed must be a whole number from -2147483648 to 2147483647, got '${v}'`);
  return Number(v);
}

/** `--rule GET-1` or a whole group, `--rule GET`. */
export function selectRules(wanted: string[]): string[] {
  const ids = PROPERTIES.map((p) => p.rule);
  const chosen = new Set<string>();
  for (const w of wanted.flatMap((x) => x.split(',')).map((x) => x.trim().toUpperCase())) {
    if (ids.includes(w)) chosen.add(w);
    else if (w in GROUP_TITLES) {
      for (const id of ids) if (id.startsWith(`${w}-`)) chosen.add(id);
    } else throw new UsageError(`unknown rule '${w}': see \`loopspec rules\` for the list`);
  }
  return ids.filter((id) => chosen.has(id));
}

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
    .option('--validate-protocol', 'out-of-process: validate every message against protocol/schemas')
    .option(
      '--driver-arg <arg>',
      'exec: an argument of the driver (repeatable, in order; use --driver-arg=-x for one that starts with a dash)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--jobs <n>',
      'implementations run side by side, each on its own rules (default 2 for python and exec drivers, 1 in-process)',
      positiveInt('--jobs'),
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
    .option('--timeout <ms>', 'out of process: as for run', positiveInt('--timeout'))
    .option('--driver-arg <arg>', 'exec: as for run', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (file: string, o: RunOptions) => {
      const c = asUsage(() => readCounterexample(file));
      // Judged by the counterexample's own semantics unless told otherwise: oracle and
      // reference follow that profile too.
      const profile = chosenProfile(o.profile ?? c.profile).name;
      const driver: DriverOptions = {
        policy: o.policy,
        loopFactory: o.loopFactory,
        setup: o.setup,
        timeoutMs: o.timeout,
        driverArgs: o.driverArg,
      };
      const adapter = await loadAdapter(o.impl, driver, profile);
      try {
        code = await replayCommand(file, adapter, profile, io.out);
      } finally {
        await adapter.close();
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

/** The options of `loopspec run`: the files it writes (OutputOptions) and how it runs. */
interface RunOptions extends OutputOptions {
  profile?: string;
  runs?: number;
  seed?: number;
  rule?: string[];
  path?: string;
  progress?: boolean;
  policy?: string;
  loopFactory?: string;
  setup?: string;
  timeout?: number;
  deadlineFloor?: number;
  validateProtocol?: boolean;
  driverArg?: string[];
  jobs?: number;
  shard?: string;
  expect?: string;
  verify?: number;
}

/** The arguments that choose the implementation and its semantics, as given: the report keeps them for replay commands. */
function replayArgs(o: RunOptions, profile: Profile): string[] {
  const args = ['--impl', o.impl, '--profile', profile.name];
  if (o.policy) args.push('--policy', o.policy);
  if (o.loopFactory) args.push('--loop-factory', o.loopFactory);
  if (o.setup) args.push('--setup', o.setup);
  if (o.timeout) args.push('--timeout', String(o.timeout));
  if (o.deadlineFloor) args.push('--deadline-floor', String(o.deadlineFloor));
  for (const arg of o.driverArg ?? []) args.push(`--driver-arg=${arg}`);
  if (o.runs) args.push('--runs', String(o.runs));
  return args;
}

function chosenProfile(name: string): Profile {
  return asUsage(() => requireProfile(name));
}

/** Ctrl-C stops the run after the current rule; the reports still cover what finished. */
function interruptible(io: Io): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    io.err('loopspec: interrupted: finishing the current rule, then writing the reports (Ctrl-C again quits at once)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

async function runCommand(opts: RunOptions, io: Io): Promise<number> {
  let rules = opts.rule ? selectRules(opts.rule) : undefined;
  const shard = opts.shard ? asUsage(() => parseShard(opts.shard!)) : undefined;
  if (shard) rules = shardRules(rules ?? PROPERTIES.map((p) => p.rule), shard.index, shard.count);
  if (rules && rules.length === 0)
    throw new UsageError(`nothing to run: shard ${opts.shard} of ${opts.rule ? 'the chosen rules' : 'the rules'} is empty`);
  // A broken expectations file is found before the run, and read once: --write-expect may
  // rewrite the same file after the run.
  const expectations = opts.expect ? asUsage(() => readExpectations(opts.expect!)) : undefined;
  if (opts.profile !== undefined) chosenProfile(opts.profile);
  if (opts.path && (rules?.length !== 1 || opts.seed === undefined))
    throw new UsageError('--path replays one counterexample: give it with one --rule and its --seed');
  prepareOutputs(opts);
  const driver: DriverOptions = {
    policy: opts.policy,
    loopFactory: opts.loopFactory,
    setup: opts.setup,
    timeoutMs: opts.timeout,
    validate: opts.validateProtocol,
    driverArgs: opts.driverArg,
  };
  const adapter = await loadAdapter(opts.impl, driver, opts.profile);
  // Out-of-process implementations wait on real timers: a second driver halves the wall time.
  // An in-process adapter is one object in this thread: it runs one program at a time.
  const outOfProcess = /^(python(:|$)|exec:)/.test(opts.impl);
  if (!outOfProcess && (opts.jobs ?? 1) > 1) {
    await adapter.close();
    throw new UsageError(
      '--jobs applies to out-of-process implementations (python, python:<interpreter>, exec:<driver>); an in-process adapter runs one program at a time',
    );
  }
  const jobs = opts.jobs ?? (outOfProcess ? 2 : 1);
  const adapters = [adapter];
  try {
    while (adapters.length < jobs) adapters.push(await loadAdapter(opts.impl, driver, opts.profile));
  } catch (e) {
    await Promise.all(adapters.map((a) => a.close()));
    throw e;
  }
  // The implementation's own profile (a driver's Python version) unless the user names one.
  const profile = chosenProfile(opts.profile ?? adapter.profile ?? DEFAULT_PROFILE);
  if (!opts.profile && !adapter.profile && outOfProcess) {
    io.err(`loopspec: no profile for ${adapter.name} ${adapter.version}: judging it by ${DEFAULT_PROFILE} (choose one with --profile)`);
  }
  const inCi = Boolean(io.env.CI) && io.env.CI !== 'false';
  const progress = opts.progress ?? (io.isTTY && !inCi);
  const started = Date.now();
  io.out(`loopspec: ${adapter.name} ${adapter.version}, profile ${profile.name}${shard ? `, shard ${shard.index}/${shard.count}` : ''}`);
  const interrupt = interruptible(io);
  try {
    const report = await runSuite({
      adapter: adapters,
      rules,
      signal: interrupt.signal,
      runs: opts.runs,
      seed: opts.seed,
      path: opts.path,
      verify: opts.verify,
      deadlines: { floorMs: opts.deadlineFloor, capMs: opts.timeout ?? DEFAULT_TIMEOUT_MS },
      profile,
      shard,
      replay: replayArgs(opts, profile),
      onRuleEnd: (r, i, total) => {
        if (progress) io.err(`[${i + 1}/${total}] ${r.id} ${r.verdict} (${((Date.now() - started) / 1000).toFixed(1)} s elapsed)`);
      },
    });
    io.out(terminalReport(report, opts.impl));
    for (const line of writeOutputs(report, opts)) io.out(line);
    if (report.interrupted) {
      io.out(`loopspec: interrupted after ${report.rules.length} rules; the reports hold those`);
      return EXIT.interrupted;
    }
    if (opts.expect) {
      const { check, text } = gate(report, expectations!);
      io.out(`\n${text}`);
      return check.ok ? EXIT.ok : EXIT.fail;
    }
    return exitOf(report);
  } finally {
    interrupt.release();
    await Promise.all(adapters.map((a) => a.close()));
  }
}
