/**
 * The suite runner: for each rule, fast-check generates programs from the rule's property,
 * the oracle predicts them, the adapter runs them, and a program fails the rule when the
 * first expectation it breaks is the rule's (check.ts, attribution.ts). A verdict per rule,
 * with a shrunk counterexample on failure; in a whole run, a rule that broke first in another
 * rule's programs fails with that program. A run's result is its report (report.ts), which
 * every output is made from.
 *
 * Coverage is measured, not assumed: a program reaches a rule only if the oracle tagged at
 * least one expectation with it. A rule that no program reached is 'unexercised', never a
 * pass. The same is counted per clause (spec/rules.ts): the report lists how many programs
 * reached each clause that applies under the profile, and a clause none reached is "not
 * exercised" there.
 */
import fc from 'fast-check';
import type { Adapter } from './adapter.ts';
import type { Mismatch } from './predictions.ts';
import { asFailureOf, blameOf, checkProgram, isStuck, predicted, programsOf } from './check.ts';
import type { Failure, ProgramCheck } from './check.ts';
import type { Program } from '../language/program.ts';
import type { RuleProperty } from './properties/index.ts';
import { PROPERTIES } from './properties/index.ts';
import type { Trace } from '../language/trace.ts';
import { defaultProfile } from '../spec/profiles.ts';
import type { Profile } from '../spec/profiles.ts';
import type { Report, ReportRule } from './report.ts';
import { newReport } from './report.ts';
import type { Counterexample, RuleFindings } from './rule-findings.ts';
import { reportRule } from './rule-findings.ts';
import type { DeadlineOptions } from './deadlines.ts';
import { belowCap, Pace } from './deadlines.ts';
import type { Blame, Judging } from './blame.ts';
import type { Diagnosed } from './diagnosis.ts';
import { diagnose, diagnosedAs } from './diagnosis.ts';
import { brokenAs } from './ways.ts';
import { adapterPool, poolSize } from './pool.ts';
import { generated, runAhead } from './prefetch.ts';
import {
  addBlame,
  confirmedStuck,
  explainedByAnother,
  explains,
  SHRINK_FAULT_BUDGET,
  SHRINK_STOPPED,
  shrinkBlame,
  spendsShrinkBudget,
  withTwiceTheTime,
} from './blame.ts';

export interface SuiteOptions {
  /**
   * The implementation; several instances of it (e.g. two driver processes) run rules in
   * parallel. Each rule has its own seed, so the results do not depend on how many.
   */
  adapter: Adapter | Adapter[];
  /** Rule IDs to run; all by default. */
  rules?: string[];
  /** Programs generated per rule. */
  runs?: number;
  seed?: number;
  /** fast-check's replay path (with one rule and its seed). */
  path?: string;
  /** The CPython version whose semantics are expected (default cpython-3.12). */
  profile?: Profile;
  /** This run's part of a sharded run, recorded in the report. */
  shard?: { index: number; count: number };
  /** The `loopspec run` arguments that choose the implementation, recorded in the report for replay commands. */
  replay?: string[];
  /**
   * Reruns of each counterexample (default 1): how many of them fail again is reported, and a
   * failure seen once but not again is marked intermittent, never dropped.
   */
  verify?: number;
  /** Each program's deadline: a floor and the cap (`--timeout`) around its virtual time (deadlines.ts). */
  deadlines?: DeadlineOptions;
  /** Stops the run between rules (SIGINT): the report holds the rules that finished. */
  signal?: AbortSignal;
  onRuleStart?: (rule: string, index: number, total: number) => void;
  onRuleEnd?: (rule: ReportRule, index: number, total: number) => void;
  /** A rule's verdict changed after every rule ran: a deviation first seen in other programs was handed to it. */
  onVerdictChanged?: (rule: ReportRule) => void;
}

export const DEFAULT_RUNS = 100;

export { checkProgram, programsOf } from './check.ts';
export type { ProgramCheck } from './check.ts';

/** Each rule gets a seed of its own, so `--rule X --seed S` replays what the full run did. */
export function ruleSeed(seed: number, rule: string): number {
  let h = seed | 0;
  for (const ch of rule) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

type Rerun = Failure | { status: 'error'; e: unknown };

/**
 * Runs a counterexample `times` more times: how many failed again (a fail or a fault), and the
 * first of those, or the harness's own error if a run threw.
 */
async function rerun(
  judge: (p: Program) => Promise<ProgramCheck>,
  program: Program,
  times: number,
): Promise<{ failed: number; first?: Rerun }> {
  let failed = 0;
  let first: Rerun | undefined;
  for (let i = 0; i < times; i++) {
    const c: ProgramCheck | { status: 'error'; e: unknown } = await judge(program).catch((e: unknown) => ({ status: 'error' as const, e }));
    if (c.status === 'fail' || c.status === 'fault' || c.status === 'tie') failed++;
    if (!first && (c.status === 'fail' || c.status === 'fault' || c.status === 'error')) first = c;
  }
  return { failed, ...(first ? { first } : {}) };
}

/** One rule's property, run: its verdict, counts and shrunk counterexample, as the report's rule. */
export async function runRule(
  prop: RuleProperty,
  adapter: Adapter,
  runs: number,
  seed: number,
  path?: string,
  profile: Profile = defaultProfile(),
  verify = 1,
  deadlines: DeadlineOptions = {},
): Promise<ReportRule> {
  // Alone, the rule is the whole run: a divergence of another rule first is its failure too.
  const judging = { adapter, profile, verify, deadlines: { pace: new Pace(), ...deadlines } };
  return (await judgeRule(prop, judging, runs, seed, path, new Set([prop.rule]))).report;
}

/**
 * A rule's property, run, and the programs of it whose first divergence is another rule's:
 * for each such rule (that `inRun` holds) the first of them, which runSuite hands to that rule.
 * A first divergence of a rule not in the run stays this rule's failure: nothing is lost.
 */
async function judgeRule(
  prop: RuleProperty,
  judging: Judging,
  runs: number,
  seed: number,
  path: string | undefined,
  inRun: ReadonlySet<string>,
  retried = false,
): Promise<{ report: ReportRule; blames: Map<string, Blame[]> }> {
  const { adapter, profile, verify, deadlines, plain } = judging;
  const started = performance.now();
  const result: RuleFindings = { verdict: 'pass', runs: 0, exercised: 0, skipped: 0, clauses: new Map() };
  const reasons = new Set<string>();
  const blames = new Map<string, Blame[]>();
  let shrinking = false;
  let stuckWhileShrinking = 0;
  let index = -1;
  // The last failure seen: fast-check's counterexample is the last program that failed.
  let seen: { program: Program; check: Failure } | undefined;
  // The probed program a check judged, where diagnosis.ts replaced the generated one.
  const probedFor = new WeakMap<ProgramCheck, Diagnosed>();
  // What a program's run shows, before the run's bookkeeping (judge): run ahead where the pool has room.
  const evaluate = async (program: Program): Promise<ProgramCheck> => {
    const c = await checkProgram(prop.rule, program, adapter, profile, deadlines);
    // A divergence, in a whole run: does a probe of the state diverge before it, and blame another rule?
    const d = 'first' in c && c.actual.end.kind === 'ok' && inRun.size > 1 ? await diagnose(prop.rule, program, c, judging) : undefined;
    if (
      d &&
      Object.values(blameOf(d.check.first))
        .flat()
        .every((r) => inRun.has(r))
    ) {
      probedFor.set(d.check, d);
      return d.check;
    }
    return c;
  };
  const judge = async (program: Program, ahead?: Promise<ProgramCheck>): Promise<ProgramCheck> => {
    const c = await (ahead ?? evaluate(program));
    if (plain && (c.status === 'fail' || c.status === 'consequence') && blameOf(c.first).unless.length === 0)
      for (const m of c.first) plain.set(m.expectation.rule, (plain.get(m.expectation.rule) ?? new Set()).add(brokenAs(m)));
    if (c.status !== 'consequence' && c.status !== 'tie') return c;
    // Deferred only where the whole run can decide it: every rule it may blame is judged in
    // it (and, for a tie, more than this rule). Otherwise the rule keeps the failure.
    const { rules, unless } = blameOf(c.first);
    const decidable = [...rules, ...unless].every((r) => inRun.has(r)) && (c.status === 'consequence' || inRun.size > 1);
    if (decidable) return c;
    return c.status === 'tie' || !rules.some((r) => inRun.has(r)) ? asFailureOf(prop.rule, c) : c;
  };
  const programs = programsOf(prop, profile);
  // All but one driver at most: a rule whose programs hang (until their deadlines) never holds
  // every driver, so the rules beside it go on.
  const width = poolSize(adapter) - 1;
  const ahead = width > 1 && !path ? runAhead(await generated(programs, runs, seed), evaluate, width) : undefined;
  const property = fc.asyncProperty(programs, async (program) => {
    // The shrink budget spent: what is left to try passes unrun (the counterexample says so).
    if (shrinking && stuckWhileShrinking >= SHRINK_FAULT_BUDGET) return true;
    const c = await judge(program, shrinking ? undefined : ahead?.take(program)).catch((e: unknown) => {
      ahead?.stop(); // fast-check shrinks a property that throws: nothing more to run ahead
      throw e;
    });
    if (shrinking && spendsShrinkBudget(c)) stuckWhileShrinking++;
    if (!shrinking) {
      index++;
      if (c.status === 'skip') {
        result.skipped++;
        reasons.add(c.reason);
      } else result.runs++;
      if (c.status !== 'skip' && c.status !== 'unexercised') {
        result.exercised++;
        for (const clause of new Set(c.expectations.map((x) => x.clause)))
          result.clauses.set(clause, (result.clauses.get(clause) ?? 0) + 1);
      }
      if (c.status === 'consequence' || c.status === 'tie') {
        const { rules, unless } = blameOf(c.first);
        const d = probedFor.get(c);
        const b: Blame = {
          program: d?.program ?? program,
          check: c,
          unless,
          foundBy: prop.rule,
          seed,
          index,
          ...(d ? { probed: d.how } : {}),
        };
        for (const r of rules) addBlame(blames, r, b);
      }
    }
    if (c.status === 'fail' || c.status === 'fault') {
      shrinking = true;
      ahead?.stop();
      seen = { program, check: c };
    }
    return c.status !== 'fail' && c.status !== 'fault';
  });
  const details = await fc.check(property, { numRuns: runs, seed, ...(path ? { path } : {}) });
  await ahead?.drained();
  if (details.failed && details.counterexample) {
    const program = details.counterexample[0];
    const failedAs = seen?.program === program ? seen.check : undefined;
    // Stuck under a deadline from the program: with twice the time, is it still? (The first rerun.)
    const confirming = failedAs !== undefined && isStuck(failedAs.actual) && belowCap(program, deadlines) && verify > 0;
    let confirmed = 0;
    if (confirming) {
      const confirm = await withTwiceTheTime(prop.rule, program, judging);
      if ((!('actual' in confirm) || !isStuck(confirm.actual)) && !retried) {
        // Only slow: the deadlines are too short for this implementation here. Judge the rule again with longer ones.
        if (deadlines.pace) deadlines.pace.factor *= 4;
        return judgeRule(prop, judging, runs, seed, path, inRun, true);
      }
      confirmed = confirm.status === 'fail' || confirm.status === 'fault' ? 1 : 0;
    }
    const rest = await rerun(judge, program, confirming ? verify - 1 : verify);
    const again = { ...rest, failed: rest.failed + confirmed };
    // The failure as it was seen is the verdict; the reruns say whether it comes back.
    const c = seen?.program === program ? seen.check : (again.first ?? { status: 'error' as const, e: details.errorInstance });
    const found = (mismatches: Mismatch[], consequences: Mismatch[], expected: Trace, actual: Trace): Counterexample => ({
      rule: prop.rule,
      program: (c.status !== 'error' && probedFor.get(c)?.program) || program,
      mismatches,
      consequences,
      predicted: expected,
      actual,
      seed,
      path: details.counterexamplePath ?? '',
      ...(verify > 0 && c.status !== 'error' ? { reruns: { runs: verify, failed: again.failed } } : {}),
      ...(c.status !== 'error' && probedFor.get(c) ? { rewritten: probedFor.get(c)!.how } : {}),
      ...(stuckWhileShrinking >= SHRINK_FAULT_BUDGET ? { shrinkStopped: SHRINK_STOPPED } : {}),
    });
    if (c.status === 'fail') {
      result.verdict = 'fail';
      result.counterexample = found(c.mismatches, c.consequences, c.predicted, c.actual);
    } else if (c.status === 'fault') {
      const end = c.actual.end as { kind: string; detail: string };
      result.verdict = 'error';
      result.fault = end.kind;
      result.error = `${end.kind}: ${end.detail}`;
      result.counterexample = found([], c.consequences, c.predicted, c.actual);
    } else {
      result.verdict = 'error';
      const e = 'e' in c ? c.e : details.errorInstance;
      result.error = e instanceof Error ? e.message : String(e);
      result.counterexample = found([], [], predicted(program, profile).trace, { obs: {}, order: {}, end: { kind: 'ok' } });
    }
  } else if (details.failed) {
    result.verdict = 'error';
    result.error = String(details.errorInstance ?? 'fast-check failed without a counterexample');
  } else if (result.exercised === 0) {
    result.verdict = result.runs === 0 && result.skipped > 0 ? 'skipped' : 'unexercised';
  }
  return { report: reportRule(prop.rule, result, [...reasons], performance.now() - started, profile), blames };
}

/**
 * A rule that passed in its own programs but broke first in another rule's: it fails with that
 * program, found by that rule. With `self`, the finder itself fails with it: the rule that broke
 * first was skipped or did not finish, and the finding must not be lost.
 */
async function blamedRule(r: ReportRule, b: Blame, judging: Judging, self = false): Promise<ReportRule> {
  const {
    program,
    check: c,
    path,
  } = self ? { program: b.program, check: asFailureOf(r.id, b.check), path: String(b.index) } : await shrinkBlame(r.id, b, judging);
  // Rerun like any counterexample (--verify): a failure of this rule again, or a fault.
  const { adapter, profile, deadlines, verify } = judging;
  const again = await rerun((p) => checkProgram(r.id, p, adapter, profile, deadlines), program, verify);
  const found: RuleFindings = {
    verdict: 'fail',
    runs: r.runs,
    exercised: r.exercised,
    skipped: r.skipped,
    clauses: new Map((r.clauses ?? []).map((x) => [x.id, x.programs])),
    counterexample: {
      rule: r.id,
      program,
      mismatches: c.mismatches,
      consequences: c.consequences,
      predicted: c.predicted,
      actual: c.actual,
      seed: b.seed,
      path,
      ...(self || b.foundBy === r.id ? {} : { foundBy: b.foundBy }),
      ...(b.probed ? { rewritten: b.probed } : {}),
      ...(verify > 0 ? { reruns: { runs: verify, failed: again.failed } } : {}),
    },
  };
  return reportRule(r.id, found, r.skipReasons, r.durationMs, judging.profile);
}

/** Runs the rules against the implementation; the report holds every rule that finished, in registry order. */
export async function runSuite(opts: SuiteOptions): Promise<Report> {
  const startedAt = new Date();
  const started = performance.now();
  const runs = opts.runs ?? DEFAULT_RUNS;
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const profile = opts.profile ?? defaultProfile();
  const props = opts.rules ? PROPERTIES.filter((p) => opts.rules!.includes(p.rule)) : PROPERTIES;
  const adapters = Array.isArray(opts.adapter) ? opts.adapter : [opts.adapter];
  const done: Array<ReportRule | undefined> = new Array(props.length);
  // Blame crosses rules only in a whole run: a shard or a --rule subset judges each rule's
  // programs alone (a divergence of another rule first is still the rule's failure).
  const whole = !opts.shard && props.length === PROPERTIES.length;
  const everyRule = new Set(props.map((p) => p.rule));
  const blames = new Map<string, Blame[]>();
  const deadlines = { pace: new Pace(), ...opts.deadlines };
  // Every program runs on whichever driver is free: a rule's programs overlap (prefetch.ts).
  const pool = adapterPool(adapters);
  const judging: Judging = { adapter: pool, profile, verify: opts.verify ?? 1, deadlines, plain: new Map() };
  let next = 0;
  let finished = 0;
  const worker = async () => {
    for (let i = next++; i < props.length && !opts.signal?.aborted; i = next++) {
      opts.onRuleStart?.(props[i].rule, i, props.length);
      const judged = await judgeRule(
        props[i],
        judging,
        runs,
        ruleSeed(seed, props[i].rule),
        opts.path,
        whole ? everyRule : new Set([props[i].rule]),
      );
      done[i] = judged.report;
      for (const [rule, bs] of judged.blames) for (const b of bs) addBlame(blames, rule, b);
      opts.onRuleEnd?.(done[i]!, finished++, props.length);
    }
  };
  await Promise.all(adapters.map(worker));
  // Deviations first seen in another rule's programs go to their own rule, if it found none itself.
  const rules = done.filter((r): r is ReportRule => r !== undefined);
  const at = (id: string) => rules.findIndex((r) => r.id === id);
  const passed = (r: ReportRule | undefined) => r !== undefined && (r.verdict === 'pass' || r.verdict === 'unexercised');
  // Plain blames first: a rule they make fail is one that fails on its own, for the conditional ones.
  const plainFirst = [...blames].sort(([, [x]], [, [y]]) => x.unless.length - y.unless.length);
  for (const [rule, bs] of plainFirst) {
    // A plain find first; among conditional ones, its own property's (judged alone, it shrinks with its own programs).
    const unexplained = bs.filter(
      (x) => !x.unless.some((u) => explains(u, x, judging.plain!)) && !explainedByAnother(rule, x, judging.plain!),
    );
    const b = unexplained.find((x) => x.unless.length === 0) ?? unexplained.find((x) => x.foundBy === rule) ?? unexplained[0];
    if (!b || !(await confirmedStuck(rule, b, judging))) continue;
    const blamed = rules[at(rule)];
    const own = props.find((p) => p.rule === rule);
    // Its own tie, unexplained: the rule fails as it does judged alone (as a shard would judge it).
    if (passed(blamed) && b.foundBy === rule && own)
      rules[at(rule)] = (await judgeRule(own, judging, runs, ruleSeed(seed, rule), opts.path, new Set([rule]))).report;
    else if (passed(blamed)) {
      const found = await blamedRule(blamed, b, judging);
      // Shrunk, the program may show an earlier wrong state with probes: of a rule that fails anyway.
      if (await diagnosedAs(rule, found, judging, (r) => rules[at(r)]?.verdict === 'fail')) continue;
      rules[at(rule)] = found;
    }
    // Skipped or unfinished (an interrupted run): the finder keeps what it found.
    else if ((!blamed || blamed.verdict === 'skipped') && passed(rules[at(b.foundBy)]))
      rules[at(b.foundBy)] = await blamedRule(rules[at(b.foundBy)], b, judging, true);
    else continue;
    const changed = rules[at(rule)] !== blamed ? rules[at(rule)] : rules[at(b.foundBy)];
    if (changed.verdict !== 'pass') opts.onVerdictChanged?.(changed);
  }
  const first = adapters[0];
  return newReport({
    implementation: { name: first.name, version: first.version },
    profile: profile.name,
    seed,
    runs,
    shard: opts.shard ?? null,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    interrupted: rules.length < props.length,
    replay: opts.replay,
    incidents: adapters.flatMap((a) => a.incidents?.() ?? []),
    rules,
  });
}
