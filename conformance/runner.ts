/**
 * The suite runner: for each rule, fast-check generates programs from the rule's property,
 * the oracle predicts them, the adapter runs them, and only the expectations tagged with that
 * rule are compared. A verdict per rule, with a shrunk counterexample on failure.
 *
 * Coverage is measured, not assumed: a program reaches a rule only if the oracle tagged at
 * least one expectation with it. A rule that no program reached is 'unexercised', never a
 * pass.
 */
import fc from 'fast-check';
import type { Adapter } from './adapter.ts';
import type { Expectation, Mismatch } from './predictions.ts';
import { checker } from './predictions.ts';
import { predict } from './oracle/oracle.ts';
import type { Prediction } from './oracle/oracle.ts';
import type { Program } from '../language/program.ts';
import { numberProgram } from '../language/program.ts';
import type { RuleProperty } from './properties/index.ts';
import { PROPERTIES } from './properties/index.ts';
import type { Trace } from '../language/trace.ts';
import { defaultProfile } from '../spec/profiles.ts';
import type { Profile } from '../spec/profiles.ts';
import { canonicalize, FAULTS } from '../language/trace.ts';

export type Verdict = 'pass' | 'fail' | 'skipped' | 'unexercised' | 'error';

export interface Counterexample {
  rule: string;
  program: Program;
  mismatches: Mismatch[];
  predicted: Trace;
  actual: Trace;
  /** Replays it: the rule's seed and fast-check's path to the shrunk case. */
  seed: number;
  path: string;
}

export interface RuleResult {
  rule: string;
  verdict: Verdict;
  /** Programs the adapter ran for this rule. */
  runs: number;
  /** Of those, programs in which the oracle tagged an expectation with this rule. */
  exercised: number;
  /** Programs not run because the adapter lacks a capability they need. */
  skipped: number;
  skipReasons: string[];
  counterexample?: Counterexample;
  error?: string;
  /** With verdict 'error' from a faulting implementation: which fault. */
  fault?: string;
  seed: number;
  ms: number;
}

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
  /** Stops the run between rules (SIGINT): the result holds the rules that finished. */
  signal?: AbortSignal;
  onRuleStart?: (rule: string, index: number, total: number) => void;
  onRuleEnd?: (result: RuleResult, index: number, total: number) => void;
}

export interface SuiteResult {
  adapter: { name: string; version: string };
  profile: string;
  seed: number;
  runs: number;
  results: RuleResult[];
  ms: number;
  /** The run was stopped before every rule ran. */
  interrupted: boolean;
}

export const DEFAULT_RUNS = 100;

const predictions = new WeakMap<Program, Map<string, Prediction>>();
function predicted(p: Program, profile: Profile): Prediction {
  let byProfile = predictions.get(p);
  if (!byProfile) predictions.set(p, (byProfile = new Map()));
  let pred = byProfile.get(profile.name);
  if (!pred) byProfile.set(profile.name, (pred = predict(p, profile)));
  return pred;
}

/** The programs of a property, numbered, deterministic under the profile. */
export function programsOf(prop: RuleProperty, profile: Profile = defaultProfile()): fc.Arbitrary<Program> {
  return prop.programs.map(numberProgram).filter((p) => predicted(p, profile).deterministic);
}

/** Each rule gets a seed of its own, so `--rule X --seed S` replays what the full run did. */
export function ruleSeed(seed: number, rule: string): number {
  let h = seed | 0;
  for (const ch of rule) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

export type ProgramCheck =
  | { status: 'pass' | 'unexercised'; expectations: Expectation[] }
  | { status: 'skip'; reason: string }
  | { status: 'fail'; mismatches: Mismatch[]; predicted: Trace; actual: Trace }
  /** The implementation faulted (timeout, crash, protocol error, its own error). */
  | { status: 'fault'; predicted: Trace; actual: Trace };

/** Runs one program and compares the expectations of one rule. */
export async function checkProgram(
  rule: string,
  program: Program,
  adapter: Adapter,
  profile: Profile = defaultProfile(),
): Promise<ProgramCheck> {
  const pred = predicted(program, profile);
  const missing = pred.needs.filter((c) => !adapter.capabilities[c]);
  if (missing.length > 0) return { status: 'skip', reason: `needs ${missing.join(', ')}` };
  const expectations = pred.expectations.filter((x) => x.rule === rule);
  if (expectations.length === 0) return { status: 'unexercised', expectations };
  const actual = canonicalize(await adapter.run(program));
  if (actual.end.kind === 'skipped') return { status: 'skip', reason: actual.end.detail };
  if (FAULTS.has(actual.end.kind)) return { status: 'fault', predicted: pred.trace, actual };
  const check = checker(pred.trace, actual);
  const mismatches = expectations.map(check).filter((m): m is Mismatch => m !== undefined);
  return mismatches.length > 0 ? { status: 'fail', mismatches, predicted: pred.trace, actual } : { status: 'pass', expectations };
}

export async function runRule(
  prop: RuleProperty,
  adapter: Adapter,
  runs: number,
  seed: number,
  path?: string,
  profile: Profile = defaultProfile(),
): Promise<RuleResult> {
  const started = performance.now();
  const result: RuleResult = { rule: prop.rule, verdict: 'pass', runs: 0, exercised: 0, skipped: 0, skipReasons: [], seed, ms: 0 };
  const reasons = new Set<string>();
  let shrinking = false;
  const property = fc.asyncProperty(programsOf(prop, profile), async (program) => {
    const c = await checkProgram(prop.rule, program, adapter, profile);
    if (!shrinking) {
      if (c.status === 'skip') {
        result.skipped++;
        reasons.add(c.reason);
      } else result.runs++;
      if (c.status === 'pass' || c.status === 'fail' || c.status === 'fault') result.exercised++;
    }
    if (c.status === 'fail' || c.status === 'fault') shrinking = true;
    return c.status !== 'fail' && c.status !== 'fault';
  });
  const details = await fc.check(property, { numRuns: runs, seed, ...(path ? { path } : {}) });
  result.skipReasons = [...reasons];
  if (details.failed && details.counterexample) {
    const program = details.counterexample[0];
    const c = await checkProgram(prop.rule, program, adapter, profile).catch((e: unknown) => ({ status: 'error' as const, e }));
    if (c.status === 'fail') {
      result.verdict = 'fail';
      result.counterexample = {
        rule: prop.rule,
        program,
        mismatches: c.mismatches,
        predicted: c.predicted,
        actual: c.actual,
        seed,
        path: details.counterexamplePath ?? '',
      };
    } else if (c.status === 'fault') {
      const end = c.actual.end as { kind: string; detail: string };
      result.verdict = 'error';
      result.fault = end.kind;
      result.error = `${end.kind}: ${end.detail}`;
      result.counterexample = {
        rule: prop.rule,
        program,
        mismatches: [],
        predicted: c.predicted,
        actual: c.actual,
        seed,
        path: details.counterexamplePath ?? '',
      };
    } else {
      result.verdict = 'error';
      const e = 'e' in c ? c.e : details.errorInstance;
      result.error = e instanceof Error ? e.message : String(e);
      result.counterexample = {
        rule: prop.rule,
        program,
        mismatches: [],
        predicted: predicted(program, profile).trace,
        actual: { obs: {}, order: {}, end: { kind: 'ok' } },
        seed,
        path: details.counterexamplePath ?? '',
      };
    }
  } else if (details.failed) {
    result.verdict = 'error';
    result.error = String(details.errorInstance ?? 'fast-check failed without a counterexample');
  } else if (result.exercised === 0) {
    result.verdict = result.runs === 0 && result.skipped > 0 ? 'skipped' : 'unexercised';
  }
  result.ms = performance.now() - started;
  return result;
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const started = performance.now();
  const runs = opts.runs ?? DEFAULT_RUNS;
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const profile = opts.profile ?? defaultProfile();
  const props = opts.rules ? PROPERTIES.filter((p) => opts.rules!.includes(p.rule)) : PROPERTIES;
  const adapters = Array.isArray(opts.adapter) ? opts.adapter : [opts.adapter];
  const done: Array<RuleResult | undefined> = new Array(props.length);
  let next = 0;
  let finished = 0;
  const worker = async (adapter: Adapter) => {
    for (let i = next++; i < props.length && !opts.signal?.aborted; i = next++) {
      opts.onRuleStart?.(props[i].rule, i, props.length);
      done[i] = await runRule(props[i], adapter, runs, ruleSeed(seed, props[i].rule), opts.path, profile);
      opts.onRuleEnd?.(done[i]!, finished++, props.length);
    }
  };
  await Promise.all(adapters.map(worker));
  // In registry order; an interrupted run holds the rules that finished.
  const results = done.filter((r): r is RuleResult => r !== undefined);
  const interrupted = results.length < props.length;
  const first = adapters[0];
  return {
    adapter: { name: first.name, version: first.version },
    profile: profile.name,
    seed,
    runs,
    results,
    ms: performance.now() - started,
    interrupted,
  };
}
