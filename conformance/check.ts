/**
 * Judging one program for one rule: the oracle's prediction (cached per program and profile),
 * the implementation's trace, and the verdict by first divergence (attribution.ts).
 */
import type fc from 'fast-check';
import type { Adapter, RunLimits } from './adapter.ts';
import { firstDivergence } from './attribution.ts';
import type { DeadlineOptions } from './deadlines.ts';
import { deadlineMs, noteRun } from './deadlines.ts';
import type { Expectation, Mismatch } from './predictions.ts';
import { checker } from './predictions.ts';
import { predict } from './oracle/oracle.ts';
import type { Prediction } from './oracle/oracle.ts';
import type { Program } from '../language/program.ts';
import { numberProgram } from '../language/program.ts';
import type { RuleProperty } from './properties/index.ts';
import type { Trace } from '../language/trace.ts';
import { canonicalize, FAULTS } from '../language/trace.ts';
import { defaultProfile } from '../spec/profiles.ts';
import type { Profile } from '../spec/profiles.ts';

const predictions = new WeakMap<Program, Map<string, Prediction>>();
export function predicted(p: Program, profile: Profile): Prediction {
  let byProfile = predictions.get(p);
  if (!byProfile) {
    byProfile = new Map();
    predictions.set(p, byProfile);
  }
  let pred = byProfile.get(profile.name);
  if (!pred) {
    pred = predict(p, profile);
    byProfile.set(profile.name, pred);
  }
  return pred;
}

/** The programs of a property, numbered, deterministic under the profile. */
export function programsOf(prop: RuleProperty, profile: Profile = defaultProfile()): fc.Arbitrary<Program> {
  return prop.programs.map(numberProgram).filter((p) => predicted(p, profile).deterministic);
}

export type ProgramCheck =
  | { status: 'pass' | 'unexercised'; expectations: Expectation[] }
  | { status: 'skip'; reason: string }
  | {
      status: 'fail';
      expectations: Expectation[];
      mismatches: Mismatch[];
      /** Other rules' expectations the program broke after the rule's own: consequences, not counted against them. */
      consequences: Mismatch[];
      /** The first divergence, whoever it blames. */
      first: Mismatch[];
      predicted: Trace;
      actual: Trace;
    }
  /** The implementation faulted (timeout, crash, protocol error, its own error) at a statement of this rule. */
  | { status: 'fault'; expectations: Expectation[]; consequences: Mismatch[]; predicted: Trace; actual: Trace }
  /**
   * The program broke this rule's expectations (or faulted) only after it broke another
   * rule's: those are to blame (`first`), and this rule's mismatches are consequences.
   */
  | { status: 'consequence'; expectations: Expectation[]; first: Mismatch[]; broken: Mismatch[]; predicted: Trace; actual: Trace }
  /**
   * The first divergence is one observation that this rule and others decide, some only as a
   * condition (which state it saw): whose it is depends on what else the implementation
   * breaks (`blameOf`); a run of this rule alone counts it as the rule's failure.
   */
  | { status: 'tie'; expectations: Expectation[]; first: Mismatch[]; broken: Mismatch[]; predicted: Trace; actual: Trace };

/**
 * Runs one program and judges it for one rule, by first divergence (attribution.ts): the rule
 * fails only where the earliest broken expectation is its own.
 */
export async function checkProgram(
  rule: string,
  program: Program,
  adapter: Adapter,
  profile: Profile = defaultProfile(),
  deadlines: DeadlineOptions = {},
  /** Run it and find its first divergence even where it does not reach the rule (a diagnosis's program). */
  anyway = false,
): Promise<ProgramCheck> {
  const pred = predicted(program, profile);
  const missing = pred.needs.filter((c) => !adapter.capabilities[c]);
  if (missing.length > 0) return { status: 'skip', reason: `needs ${missing.join(', ')}` };
  const expectations = pred.expectations.filter((x) => x.rule === rule);
  if (expectations.length === 0 && !anyway) return { status: 'unexercised', expectations };
  const deadline = deadlineMs(program, deadlines);
  const started = performance.now();
  const limits: RunLimits = { deadlineMs: deadline };
  const actual = canonicalize(await adapter.run(program, limits));
  // From when a driver took it (a pool may queue it first, pool.ts), not from when it was asked for.
  if (!isStuck(actual)) noteRun(deadlines, deadline, performance.now() - (limits.startedAt ?? started));
  if (actual.end.kind === 'skipped') return { status: 'skip', reason: actual.end.detail };
  const check = checker(pred.trace, actual);
  const broken = pred.expectations.map(check).filter((m): m is Mismatch => m !== undefined);
  // A fault (timeout, crash, protocol error) that comes with the statements started so far
  // (a driver's progress) is a divergence at the statement in flight, attributed like any
  // other. Without them, or with nothing broken before it, it is every reaching rule's,
  // unattributed: nothing says which statement was in flight.
  if (FAULTS.has(actual.end.kind) && !inFlight(actual, broken)) {
    const consequences = broken.filter((m) => m.expectation.rule !== rule);
    return { status: 'fault', expectations, consequences, predicted: pred.trace, actual };
  }
  if (!broken.some((m) => m.expectation.rule === rule) && !(anyway && broken.length > 0)) return { status: 'pass', expectations };
  const first = proven(mostSpecific(firstDivergence(broken, program, actual, pred.timeline)), broken);
  const c = { status: 'consequence' as const, expectations, first, broken, predicted: pred.trace, actual };
  if (!first.some((m) => m.expectation.rule === rule)) return c;
  return blameOf(first).unless.length > 0 ? { ...c, status: 'tie' } : asFailureOf(rule, c);
}

/**
 * A first divergence without what a more specific mismatch there explains: a lookup that
 * returns the very loop new_event_loop() made (NEW-2.1's not-same) is wrong for that reason,
 * whatever else the statement's own clauses expected of it (a new loop and its warning, GET-3).
 */
function mostSpecific(first: Mismatch[]): Mismatch[] {
  // A hang (the program never ended: a terminates expectation broke) leaves a statement in
  // flight: which state that statement saw (its conditions) is not what went wrong.
  if (first.some((m) => m.expectation.kind === 'terminates'))
    first = first.filter(
      (m) => !(m.expectation.condition && m.expectation.kind === 'outcome' && m.actual.startsWith('(started, never finished')),
    );
  // Only where it returned that loop: a lookup that never finished (a crash in it) is its own clauses'.
  const same = new Set(first.flatMap((m) => (m.expectation.kind === 'not-same' && m.got === 'same' ? [m.expectation.stmt] : [])));
  return first.filter((m) => m.expectation.kind === 'not-same' || !('stmt' in m.expectation) || !same.has(m.expectation.stmt));
}

/**
 * A first divergence tied with conditions, where every rule deciding it broke, in this very
 * program, an order that holds in any state (two callbacks queued back to back, predictions.ts
 * `backToBack`): those rules deviate on their own, and the tie is theirs (as `explains` finds
 * across a run), without the conditions.
 */
export function proven(first: Mismatch[], broken: Mismatch[]): Mismatch[] {
  const deciding = first.filter((m) => !m.expectation.condition);
  if (deciding.length === first.length || deciding.length === 0) return first;
  const own = new Set(broken.flatMap((m) => (m.expectation.kind === 'order' && m.expectation.backToBack ? [m.expectation.rule] : [])));
  if (deciding.every((m) => own.has(m.expectation.rule))) return deciding;
  // The other way round: a condition whose rule breaks plainly there too (a task's mark never
  // ran, out of the round robin's order, TASK-5.2) decided the state the observation it
  // conditions saw (that the task's first statement ran, RCT-1.1): that observation is its.
  const plainly = new Set(deciding.map((m) => m.expectation.rule));
  const explainedBy = (m: Mismatch) =>
    first.some(
      (c) =>
        c.expectation.condition &&
        c.expectation.rule !== m.expectation.rule &&
        plainly.has(c.expectation.rule) &&
        observed(c.expectation) === observed(m.expectation),
    );
  const kept = first.filter((m) => m.expectation.condition || !explainedBy(m));
  // Two rules whose conditions cross (each conditions the other's deciding observation) would
  // explain each other away, leaving no deciding mismatch to blame: then neither is explained.
  return kept.some((m) => !m.expectation.condition) ? kept : first;
}

/** The observation an expectation is about: of a statement (its outcome, warnings, whether it ran), or an order. */
const observed = (x: Expectation): string =>
  x.kind === 'order' ? `order ${x.context} ${x.expected.join(' ')}` : x.kind === 'terminates' ? 'terminates' : `${x.kind} ${x.stmt}`;

/**
 * Who a first divergence blames: its rules, or, where some of them decide the observation
 * only as a condition (which state it saw), the conditions `unless` one of the others fails
 * on its own: a lookup that should create a loop in a fork child and raises is GET-3's
 * where GET-3 fails anyway, and FORK-2's where it does not.
 */
export function blameOf(first: Mismatch[]): { rules: string[]; unless: string[] } {
  const decides = [...new Set(first.filter((m) => !m.expectation.condition).map((m) => m.expectation.rule))];
  const conditions = [...new Set(first.filter((m) => m.expectation.condition).map((m) => m.expectation.rule))].filter(
    (r) => !decides.includes(r),
  );
  return conditions.length > 0 && decides.length > 0
    ? { rules: conditions, unless: decides }
    : { rules: [...decides, ...conditions], unless: [] };
}

/** Whether a faulted run shows where it stopped: a started statement without an observation that an expectation needed. */
function inFlight(actual: Trace, broken: Mismatch[]): boolean {
  const started = new Set(Object.values(actual.order).flat());
  return broken.some((m) => 'stmt' in m.expectation && started.has(m.expectation.stmt) && !(m.expectation.stmt in actual.obs));
}

/** A run that did not end within its deadline: the implementation's own hang, or the harness's timeout. */
export const isStuck = (t: Trace): boolean => t.end.kind === 'hang' || t.end.kind === 'timeout';

export type Failure = Extract<ProgramCheck, { status: 'fail' | 'fault' }>;

/**
 * A program judged as a failure of `rule` whoever broke first: the rule's own mismatches, and
 * the other rules' as consequences (a rule judged alone, a finding handed to a rule).
 */
export function asFailureOf(
  rule: string,
  c: Extract<ProgramCheck, { status: 'consequence' | 'tie' }>,
): Extract<Failure, { status: 'fail' }> {
  const mismatches = c.broken.filter((m) => m.expectation.rule === rule);
  const consequences = c.broken.filter((m) => m.expectation.rule !== rule);
  return {
    status: 'fail',
    expectations: c.expectations,
    mismatches,
    consequences,
    first: c.first,
    predicted: c.predicted,
    actual: c.actual,
  };
}
