/**
 * Diagnosis of a rule's failure before it is counted (one deviation, one rule): the program
 * runs again rewritten (`Rewrite`: state probes, asyncio.run written out, a new loop before
 * each lookup that may make one, queue witnesses, or without one rule's statements); if the
 * rewritten program's first divergence shows what the rewrite is about and blames other rules,
 * the failure is theirs, and this rule's mismatches are consequences. The program handed on
 * keeps only the probes of that divergence.
 */
import type { Adapter } from './adapter.ts';
import type { ProgramCheck } from './check.ts';
import { blameOf, checkProgram } from './check.ts';
import type { DeadlineOptions } from './deadlines.ts';
import type { Program } from '../language/program.ts';
import { walk } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';
import type { Mismatch } from './predictions.ts';
import type { Probed } from './probes.ts';
import { keepOnly, probe, unfoldRuns } from './probes.ts';
import type { Profile } from '../spec/profiles.ts';
import { ablate, WITHOUT } from './ablation.ts';
import { wayOf } from './ways.ts';
import { witness } from './witnesses.ts';
import type { ReportRule } from './report.ts';

/** A check with a first divergence: the rule's failure, or another rule's first. */
export type Divergent = Extract<ProgramCheck, { first: unknown }>;
export type Diagnosed = { program: Program; check: Divergent; how: Rewrite };

/** Who judges, under which semantics, within which limits. */
export interface Runs {
  adapter: Adapter;
  profile: Profile;
  deadlines: DeadlineOptions;
}

/**
 * The first rewrite of the program whose first divergence shows what the rewrite is about and
 * blames other rules than `check` does, judged for `rule` (with only the probes it needs); else
 * undefined, and the check stands (nothing added diverged first, the rewritten run faulted,
 * which tells nothing about state, or the blame needs more probes than those of the divergence).
 */
export async function diagnose(rule: string, program: Program, check: Divergent, runs: Runs): Promise<Diagnosed | undefined> {
  // asyncio.run written out first: where it applies, the loop calls inside a run are earlier
  // than anything a probe inside asyncio.run's coroutine can read. A new loop made before a
  // lookup is earlier than the lookup it probes.
  for (const how of ['unfolded', 'fresh', 'probes', 'fifo'] as const) {
    const d = await tryRewrite(rule, program, how, check, runs);
    if (d) return d;
  }
  return tryAblations(rule, program, check, runs);
}

/**
 * The program without the statements of one rule that the first divergence blames only as a
 * condition (ablation.ts), judged for `rule`: the divergence needed them not if it is still
 * there, the same deciding clauses broken the same way (wayOf), with the same rules deciding
 * and fewer conditions, none of them that rule's.
 */
async function tryAblations(rule: string, program: Program, check: Divergent, runs: Runs): Promise<Diagnosed | undefined> {
  const before = blameOf(check.first);
  if (before.unless.length === 0 || before.rules.length < 2) return undefined;
  for (const r of before.rules) {
    const how: Rewrite = `${WITHOUT}${r}`;
    const ablated = rewrite(program, how, runs.profile);
    if (!ablated) continue;
    const c = await checkProgram(rule, ablated.program, runs.adapter, runs.profile, runs.deadlines, true);
    if (!('first' in c) || c.actual.end.kind !== 'ok' || wayOf(c.first) !== wayOf(check.first)) continue;
    const after = blameOf(c.first);
    const sameDeciders = after.unless.length === before.unless.length && after.unless.every((u) => before.unless.includes(u));
    const fewer = after.rules.length > 0 && after.rules.every((x) => x !== r && before.rules.includes(x));
    if (sameDeciders && fewer) return { program: ablated.program, check: c, how };
  }
  return undefined;
}

/**
 * How a diagnosis rewrote the program: probes added; also asyncio.run written out as its loop
 * calls (asyncio.run refused, or ended wrong: which call inside it went wrong first?); or also
 * a new loop made before each lookup that may make one (is a new loop new?); with two
 * callbacks queued before each run (`fifo`: is the ready queue first in, first out?); or without the
 * statements of one rule the divergence blamed (`without GET-1`: did it need them?).
 */
export type Rewrite = 'probes' | 'unfolded' | 'fresh' | 'fifo' | `${typeof WITHOUT}${string}`;

/** The generated program rewritten for a diagnosis, or undefined when that rewrite does not apply. */
export function rewrite(program: Program, how: Rewrite, profile: Profile): Probed | undefined {
  if (how.startsWith(WITHOUT)) return ablate(program, how.slice(WITHOUT.length), profile);
  if (how === 'fifo') return witness(program, profile);
  const base = how === 'unfolded' ? unfoldRuns(program) : program;
  return base && probe(base, profile, how === 'fresh');
}

/** One rewrite of the program, judged: the diagnosis if it moves the blame. */
async function tryRewrite(rule: string, program: Program, how: Rewrite, check: Divergent, runs: Runs): Promise<Diagnosed | undefined> {
  const probed = rewrite(program, how, runs.profile);
  if (!probed) return undefined;
  const whole = await checkProgram(rule, probed.program, runs.adapter, runs.profile, runs.deadlines, true);
  if (!('first' in whole) || whole.actual.end.kind !== 'ok' || blamed(whole) === blamed(check)) return undefined;
  // What the rewrite is about went wrong first: a probe, or any statement (a probe's read may
  // have changed what later statements see: get_event_loop_policy() installs the policy), read
  // a wrong state; or, with asyncio.run written out, any of the calls it makes or what follows;
  // a new loop made was not new (`fresh`: its making may be the deviation); the witnesses ran
  // out of order among themselves (`fifo`). Ids are those of the program judged (a leaner one
  // is renumbered).
  const shows = (c: ProgramCheck, p: Probed) => {
    if (!('first' in c)) return false;
    if (how === 'fifo') return c.first.some((m) => witnessesOutOfOrder(m, c.actual, p.probes)) || witnessesSwapped(c, p.probes);
    return c.first.some((m) => readState(m) && (how !== 'fresh' || ('stmt' in m.expectation && p.probes.has(m.expectation.stmt))));
  };
  if (!shows(whole, probed)) return undefined;
  // Only with the probes of that divergence: a program with every probe is no counterexample
  // anyone reads, and one whose blame needs more of them is left undiagnosed.
  const same = (c: ProgramCheck, p: Probed) => 'first' in c && blamed(c) === blamed(whole) && shows(c, p);
  const lean = await leanest(rule, probed, whole, same, runs);
  return lean && { program: lean.program, check: lean.check as Divergent, how };
}

/**
 * A statement that ran and read something wrong: its outcome, or the very loop it must not
 * return (a not-same broken: a lookup that returned the loop a probe bound, asyncio.run's
 * with loop_factory, which new_event_loop made). One that never ran, or whose
 * loop variable was never bound (the statement binding it ran late or not at all), says when
 * things ran, not what state they left; a probe's warnings (get_event_loop_policy() is
 * deprecated in 3.14) say which version, not which state.
 */
const readState = (m: Mismatch): boolean =>
  (m.expectation.kind === 'outcome' && m.got !== undefined && !m.got.startsWith('missing') && m.got !== 'error LoopspecUnbound') ||
  (m.expectation.kind === 'not-same' && m.got === 'same');

/**
 * An order the witnesses broke among themselves: all of them ran, in another order than they
 * were queued. Witnesses that never ran say the loop stopped or dropped its queue (another
 * rule's matter), not that its queue is out of order.
 */
function witnessesOutOfOrder(m: Mismatch, actual: Trace, witnesses: ReadonlySet<string>): boolean {
  const x = m.expectation;
  if (x.kind !== 'order') return false;
  const queued = x.expected.filter((id) => witnesses.has(id));
  const ran = (actual.order[x.context] ?? []).filter((id) => witnesses.has(id) && queued.includes(id));
  return queued.length > 1 && ran.length === queued.length && ran.some((id, i) => id !== queued[i]);
}

/**
 * Two witnesses queued back to back that ran the other way round (an order that holds in any
 * state, ordering.ts), where the first divergence blames, plainly, that order's rule: the
 * witnesses' order proved the tie its own (check.ts `proven`). Witnesses of other segments
 * may have run out of place because the loop stopped between them.
 */
function witnessesSwapped(c: Divergent, witnesses: ReadonlySet<string>): boolean {
  const { rules, unless } = blameOf(c.first);
  if (unless.length > 0 || rules.length !== 1) return false;
  const broken = 'broken' in c ? c.broken : [...c.mismatches, ...c.consequences];
  return broken.some(
    (m) =>
      m.expectation.kind === 'order' &&
      m.expectation.backToBack === true &&
      m.expectation.rule === rules[0] &&
      m.expectation.expected.every((id) => witnesses.has(id)),
  );
}

/** Whom a first divergence blames (check.ts blameOf), as a key. */
const blamed = (c: Divergent): string => JSON.stringify(blameOf(c.first));

/**
 * The probed program with as few probes as still show the finding (`holds`), judged again for
 * `rule`: the counterexample as the implementer reads it. The probes of the first divergence
 * (a not-same's: the probes that saw the loop it must not return), and of the probes that
 * change state (get_event_loop_policy() installs the default policy) those the divergence
 * needs; undefined when no such program holds.
 */
export async function leanest(
  rule: string,
  probed: Probed,
  check: Divergent,
  holds: (c: ProgramCheck, lean: Probed) => boolean,
  { adapter, profile, deadlines }: Runs,
): Promise<{ program: Program; check: ProgramCheck } | undefined> {
  const judge = async (keep: ReadonlySet<string>) => {
    const lean = keepOnly(probed, keep);
    const c = await checkProgram(rule, lean.program, adapter, profile, deadlines, true);
    return holds(c, lean) ? { program: lean.program, check: c } : undefined;
  };
  const stmts = [...walk(probed.program.main)];
  const at = new Set(
    check.first
      .flatMap((m) => {
        const x = m.expectation;
        // A not-same's other statements too: the probes that saw the loop it returned.
        return x.kind === 'not-same' ? [x.stmt, ...x.others] : 'stmt' in x ? [x.stmt] : x.kind === 'order' ? x.expected : [];
      })
      .filter((id) => probed.probes.has(id)),
  );
  let best = await judge(at);
  if (best) return best;
  const changing = stmts.filter((s) => s.op === 'get_policy' && probed.probes.has(s.id!)).map((s) => s.id!);
  const keep = new Set([...at, ...changing]);
  best = await judge(keep);
  if (!best) return undefined;
  for (const id of changing) {
    keep.delete(id);
    const without = await judge(keep);
    if (without) best = without;
    else keep.add(id);
  }
  return best;
}

/**
 * Whether a rule's counterexample, judged again with state probes (diagnosis.ts), is the
 * deviation of other rules, all of which fail anyway: then it is theirs, and nothing is lost.
 */
export async function diagnosedAs(rule: string, found: ReportRule, judging: Runs, fails: (rule: string) => boolean): Promise<boolean> {
  const program = found.counterexample?.program;
  if (!program) return false;
  const c = await checkProgram(rule, program, judging.adapter, judging.profile, judging.deadlines);
  if (!('first' in c) || c.actual.end.kind !== 'ok') return false;
  const d = await diagnose(rule, program, c, judging);
  if (!d) return false;
  // A conditional blame too: it lands on the deciding rules only where one of them broke the
  // same way plainly somewhere in the run (blame.ts explains), and a rule that did so fails
  // anyway; otherwise on the conditions, which must fail anyway. Never on this rule.
  const { rules, unless } = blameOf(d.check.first);
  return !unless.includes(rule) && rules.length > 0 && rules.every((r) => r !== rule && fails(r));
}
