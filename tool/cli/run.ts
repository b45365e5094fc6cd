import os from 'node:os';
/**
 * `loopspec run`: every argument checked before anything starts (rules, shard, profile,
 * expectations, outputs, the implementation), then the suite, then the reports. Signals
 * (signals.ts) stop it between rules or at once; either way the reports hold what finished.
 */
import { DEFAULT_RUNS, runSuite } from '../../conformance/runner.ts';
import { driversFor, sampleOfRun } from '../../conformance/concurrency.ts';
import { DEFAULT_TIMEOUT_MS } from '../../conformance/adapters/process.ts';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import type { Adapter } from '../../conformance/adapter.ts';
import { newReport } from '../../conformance/report.ts';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { DEFAULT_PROFILE } from '../../spec/profiles.ts';
import type { Profile } from '../../spec/profiles.ts';
import { loadAdapter, UsageError, type DriverOptions } from '../../conformance/load-adapter.ts';
import { parseShard, readExpectations, shardRules } from '../gate/index.ts';
import type { Shard } from '../gate/index.ts';
import { byRegistryOrder } from '../gate/order.ts';
import { terminalReport } from './report.ts';
import { asUsage, exitOf } from './commands.ts';
import { gate, prepareOutputs, writeOutputs } from './outputs.ts';
import type { OutputOptions } from './outputs.ts';
import { chosenProfile, EXIT, selectRules, type Io } from './options.ts';
import { closeAll, interruptible } from './signals.ts';

/** The options of `loopspec run`: the files it writes (OutputOptions) and how it runs. */
export interface RunOptions extends OutputOptions {
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
  handshakeTimeout?: number;
  deadlineFloor?: number;
  validateProtocol?: boolean;
  driverArg?: string[];
  jobs?: number;
  shard?: string;
  expect?: string;
  verify?: number;
}

/** The flags that reach the implementation, as loadAdapter takes them. */
export function driverOptions(o: Omit<RunOptions, 'impl'>): DriverOptions {
  return {
    policy: o.policy,
    loopFactory: o.loopFactory,
    setup: o.setup,
    timeoutMs: o.timeout,
    handshakeMs: o.handshakeTimeout,
    validate: o.validateProtocol,
    driverArgs: o.driverArg,
  };
}

/** The arguments that choose the implementation and its semantics, as given: the report keeps them for replay commands. */
function replayArgs(o: RunOptions, profile: Profile): string[] {
  const args = ['--impl', o.impl, '--profile', profile.name];
  if (o.policy) args.push('--policy', o.policy);
  if (o.loopFactory) args.push('--loop-factory', o.loopFactory);
  if (o.setup) args.push('--setup', o.setup);
  if (o.timeout) args.push('--timeout', String(o.timeout));
  if (o.handshakeTimeout) args.push('--handshake-timeout', String(o.handshakeTimeout));
  if (o.deadlineFloor) args.push('--deadline-floor', String(o.deadlineFloor));
  for (const arg of o.driverArg ?? []) args.push(`--driver-arg=${arg}`);
  if (o.runs) args.push('--runs', String(o.runs));
  return args;
}

/** The rules to run, or a UsageError: --rule, then --shard of those. */
function chosenRules(opts: RunOptions): { rules?: string[]; shard?: Shard } {
  let rules = opts.rule ? selectRules(opts.rule) : undefined;
  const shard = opts.shard !== undefined ? asUsage(() => parseShard(opts.shard!)) : undefined;
  if (shard) rules = shardRules(rules ?? PROPERTIES.map((p) => p.rule), shard.index, shard.count);
  if (rules && rules.length === 0)
    throw new UsageError(`nothing to run: shard ${opts.shard} of ${opts.rule ? 'the chosen rules' : 'the rules'} is empty`);
  if (opts.path && (rules?.length !== 1 || opts.seed === undefined))
    throw new UsageError('--path replays one counterexample: give it with one --rule and its --seed');
  return { rules, shard };
}

/** The run as far as it went, once it started: for a report written when a signal stops it. */
interface Started {
  adapter: Adapter;
  profile: Profile;
  seed: number;
  shard?: Shard;
  startedAt: Date;
  finished: ReportRule[];
}

function partialReport(s: Started, opts: RunOptions, adapters: readonly Adapter[]): Report {
  return newReport({
    implementation: { name: s.adapter.name, version: s.adapter.version },
    profile: s.profile.name,
    seed: s.seed,
    runs: opts.runs ?? DEFAULT_RUNS,
    shard: s.shard ?? null,
    startedAt: s.startedAt.toISOString(),
    durationMs: Date.now() - s.startedAt.getTime(),
    interrupted: true,
    replay: replayArgs(opts, s.profile),
    incidents: adapters.flatMap((a) => a.incidents?.() ?? []),
    rules: [...s.finished].sort((a, b) => byRegistryOrder(a.id, b.id)),
  });
}

/** Prints the report and writes every output asked for; false when one could not be written. */
function publish(report: Report, opts: RunOptions, io: Io): boolean {
  io.out(terminalReport(report, opts.impl));
  const { told, failed } = writeOutputs(report, opts);
  for (const line of told) io.out(line);
  for (const line of failed) io.err(`loopspec: ${line}`);
  return failed.length === 0;
}

export async function runCommand(opts: RunOptions, io: Io): Promise<number> {
  const { rules, shard } = chosenRules(opts);
  if (opts.profile !== undefined) chosenProfile(opts.profile);
  // Out-of-process implementations wait on real timers: a second driver halves the wall time.
  // An in-process adapter is one object in this thread: it runs one program at a time.
  const outOfProcess = /^(python(:|$)|exec:)/.test(opts.impl);
  if (!outOfProcess && (opts.jobs ?? 1) > 1)
    throw new UsageError(
      '--jobs applies to out-of-process implementations (python, python:<interpreter>, exec:<driver>); an in-process adapter runs one program at a time',
    );
  // A broken expectations file is found before the run, and read once: --write-expect may
  // rewrite the same file after the run.
  const expectations = opts.expect !== undefined ? asUsage(() => readExpectations(opts.expect!)) : undefined;
  prepareOutputs(opts);
  const driver = driverOptions(opts);
  const adapters: Adapter[] = [];
  let started: Started | undefined;
  let final: Report | undefined;
  const interrupt = interruptible(io, adapters, () => {
    if (!started) return io.err('loopspec: stopped before the run started: no report written');
    const report = final ?? partialReport(started, opts, adapters);
    publish(report, opts, io);
    io.out(`loopspec: stopped after ${report.rules.length} rules; the reports hold those`);
  });
  try {
    adapters.push(await loadAdapter(opts.impl, driver, opts.profile));
    const adapter = adapters[0];
    // The implementation's own profile (a driver's Python version) unless the user names one.
    const profile = chosenProfile(opts.profile ?? adapter.profile ?? DEFAULT_PROFILE);
    if (!opts.profile && !adapter.profile && outOfProcess) {
      io.err(`loopspec: no profile for ${adapter.name} ${adapter.version}: judging it by ${DEFAULT_PROFILE} (choose one with --profile)`);
    }
    const inCi = Boolean(io.env.CI) && io.env.CI !== 'false';
    const progress = opts.progress ?? (io.isTTY && !inCi);
    // The seed is chosen here, not by the runner: a report written on a signal names it too.
    const seed = opts.seed ?? Date.now() % 2 ** 31;
    // Drivers by default: enough to keep every core busy while programs wait on timers (concurrency.ts).
    const jobs = opts.jobs ?? (outOfProcess ? driversFor(sampleOfRun(rules, profile, seed), os.availableParallelism()) : 1);
    // Started side by side; every one that starts is closed at the end, even when another fails.
    const starts = await Promise.allSettled(
      Array.from({ length: jobs - 1 }, async () => {
        adapters.push(await loadAdapter(opts.impl, driver, opts.profile));
      }),
    );
    for (const s of starts) if (s.status === 'rejected') throw s.reason;
    started = { adapter, profile, seed, shard, startedAt: new Date(), finished: [] };
    const { finished, startedAt } = started;
    io.out(`loopspec: ${adapter.name} ${adapter.version}, profile ${profile.name}${shard ? `, shard ${shard.index}/${shard.count}` : ''}`);
    const report = await runSuite({
      adapter: adapters,
      rules,
      signal: interrupt.signal,
      runs: opts.runs,
      seed,
      path: opts.path,
      verify: opts.verify,
      deadlines: { floorMs: opts.deadlineFloor, capMs: opts.timeout ?? DEFAULT_TIMEOUT_MS },
      profile,
      shard,
      replay: replayArgs(opts, profile),
      onRuleEnd: (r, i, total) => {
        finished.push(r);
        if (progress)
          io.err(`[${i + 1}/${total}] ${r.id} ${r.verdict} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s elapsed)`);
      },
      onVerdictChanged: (r) => {
        const why = r.counterexample?.foundBy ? `first broken in the programs of ${r.counterexample.foundBy}` : 'its own tie, judged alone';
        if (progress) io.err(`[after all rules] ${r.id} ${r.verdict} (${why})`);
      },
    });
    final = report;
    const written = publish(report, opts, io);
    if (report.interrupted) {
      io.out(`loopspec: interrupted after ${report.rules.length} rules; the reports hold those`);
      return EXIT.interrupted;
    }
    if (!written) return EXIT.usage;
    if (expectations) {
      const { check, text } = gate(report, expectations);
      io.out(`\n${text}`);
      return check.ok ? EXIT.ok : EXIT.fail;
    }
    return exitOf(report);
  } finally {
    // A close() that fails is said on stderr; the exit code stays the run's verdict.
    await closeAll(adapters, io);
    interrupt.release();
  }
}
