/**
 * Blame across rules (one deviation, one rule): a program's first divergence found in another
 * rule's property, kept per blamed rule, and decided after the whole run. A tie with
 * conditions (check.ts blameOf) blames the conditions unless a deciding rule broke the same
 * clause the same way on its own somewhere in the run (`explains`).
 */
import fc from 'fast-check';
import type { Adapter } from './adapter.ts';
import type { Failure, ProgramCheck } from './check.ts';
import { asFailureOf, blameOf, checkProgram, isStuck, programsOf } from './check.ts';
import type { DeadlineOptions } from './deadlines.ts';
import { belowCap } from './deadlines.ts';
import type { Rewrite } from './diagnosis.ts';
import { leanest, rewrite } from './diagnosis.ts';
import type { Program } from '../language/program.ts';
import type { Probed } from './probes.ts';
import { brokenAs, wayOf } from './ways.ts';
import { PROPERTIES } from './properties/index.ts';
import type { Profile } from '../spec/profiles.ts';

/**
 * Runs that hang or fault while one rule's counterexample shrinks, at most: each costs a
 * deadline, and a loop that hangs often would otherwise spend minutes per rule. Past it the
 * shrinker runs nothing more, and the counterexample says it may not be minimal.
 */
export const SHRINK_FAULT_BUDGET = 4;
/** What a counterexample says when its shrinking spent the budget. */
export const SHRINK_STOPPED = `shrinking stopped after ${SHRINK_FAULT_BUDGET} runs that hung or faulted (the budget per rule): the program may not be minimal`;

/** How a rule is judged: by which implementation, under which semantics, within which limits. */
export interface Judging {
  adapter: Adapter;
  profile: Profile;
  verify: number;
  deadlines: DeadlineOptions;
  /** Each rule's clauses (and how: outcome, warnings) seen broken first, plainly, in any program of the run. */
  plain?: Map<string, Set<string>>;
}

/** A program whose first divergence another rule's property found: the counterexample it gives that rule. */
export interface Blame {
  program: Program;
  check: Extract<ProgramCheck, { status: 'consequence' | 'tie' }>;
  /** The blame holds only if none of these rules fails on its own (check.ts blameOf). */
  unless: string[];
  /** The rule whose property generated it, its seed, and the run of that property that did. */
  foundBy: string;
  seed: number;
  index: number;
  /** Found with state probes (diagnosis.ts): the finder's programs shrink rewritten the same way. */
  probed?: Rewrite;
}

/**
 * A program that broke `rule` first, found by another rule's property, shrunk by that
 * property's arbitrary from the run that made it (fast-check's path), judged for `rule`.
 * Unshrunk if it does not fail again there.
 */
export async function shrinkBlame(
  rule: string,
  b: Blame,
  judging: Judging,
): Promise<{ program: Program; check: Extract<Failure, { status: 'fail' }>; path: string }> {
  const { adapter, profile, deadlines } = judging;
  const finder = PROPERTIES.find((p) => p.rule === b.foundBy)!;
  let last: { program: Program; check: Extract<Failure, { status: 'fail' }> } | undefined;
  let stuck = 0;
  // Only the same kind of finding shrinks it: a fault on the way is another story.
  let lastProbed: Probed | undefined;
  const property = fc.asyncProperty(programsOf(finder, profile), async (generated) => {
    if (stuck >= SHRINK_FAULT_BUDGET) return true;
    const probed = b.probed ? rewrite(generated, b.probed, profile) : undefined;
    if (b.probed && !probed) return true;
    const program = probed?.program ?? generated;
    const c = await checkProgram(rule, program, adapter, profile, deadlines);
    if (spendsShrinkBudget(c)) stuck++;
    // A conditional find shrinks to programs whose tie breaks the deciding clauses the same way.
    if (c.status !== 'fail' && c.status !== 'tie') return true;
    if (b.unless.length > 0 && (c.status !== 'tie' || wayOf(c.first) !== wayOf(b.check.first))) return true;
    last = { program, check: c.status === 'tie' ? asFailureOf(rule, c) : c };
    lastProbed = probed;
    return false;
  });
  const d = await fc.check(property, { seed: b.seed, path: String(b.index), numRuns: b.index + 1 });
  const path = d.counterexamplePath ?? String(b.index);
  if (!last) return { program: b.program, check: asFailureOf(rule, b.check), path };
  // Found with probes: only those it needs stay (diagnosis.ts leanest), if the rule still fails there.
  const failsSo = (c: ProgramCheck) => c.status === 'fail' || (c.status === 'tie' && b.unless.length > 0);
  const lean = lastProbed && (await leanest(rule, lastProbed, last.check, failsSo, judging));
  if (lean?.check.status === 'fail') return { program: lean.program, check: lean.check, path };
  if (lean?.check.status === 'tie' && b.unless.length > 0) return { program: lean.program, check: asFailureOf(rule, lean.check), path };
  // A shrunk program that needs every probe is no counterexample anyone reads: the find as it was.
  if (lastProbed) return { program: b.program, check: asFailureOf(rule, b.check), path: String(b.index) };
  return { ...last, path };
}

/** A run that counts against SHRINK_FAULT_BUDGET: it hung or faulted. */
export const spendsShrinkBudget = (c: ProgramCheck): boolean => 'actual' in c && c.actual.end.kind !== 'ok';

/** The program judged for `rule` with twice its deadline: is a run that ended stuck stuck still? */
export function withTwiceTheTime(rule: string, program: Program, { adapter, profile, deadlines }: Judging): Promise<ProgramCheck> {
  return checkProgram(rule, program, adapter, profile, { ...deadlines, stretch: 2 });
}

/** A find that ended stuck under a deadline from the program stands only if it is stuck with twice the time too. */
export async function confirmedStuck(rule: string, b: Blame, judging: Judging): Promise<boolean> {
  if (!isStuck(b.check.actual) || !belowCap(b.program, judging.deadlines)) return true;
  const again = await withTwiceTheTime(rule, b.program, judging);
  return 'actual' in again && isStuck(again.actual);
}

/** Registry order: which of two rules' finds wins, whatever order --jobs ran them in. */
export const precedes = (a: string, b: string): boolean =>
  PROPERTIES.findIndex((p) => p.rule === a) < PROPERTIES.findIndex((p) => p.rule === b);
/**
 * Whether a rule's own deviation explains a tie it takes part in: somewhere in the run it broke
 * first, plainly (not tied with conditions), what the tie breaks of it (`brokenAs`: its
 * outcomes, its warnings). A tie it does not explain is the conditions' deviation.
 */
export function explains(rule: string, b: Blame, plain: Map<string, Set<string>>): boolean {
  const own = plain.get(rule);
  if (!own) return false;
  return b.check.first.filter((m) => m.expectation.rule === rule && !m.expectation.condition).every((m) => own.has(brokenAs(m)));
}

/**
 * Whether another condition of a tie explains it for `rule`: a tie's conditions are each blamed
 * (the states it saw), but where one of the others broke plainly somewhere in the run, that
 * deviation is the likelier cause (an escape that does not stop the loop lets a task's sleep(0)
 * return, as a sleep(0) that does not yield would), and `rule` is not blamed for it.
 */
export function explainedByAnother(rule: string, b: Blame, plain: Map<string, Set<string>>): boolean {
  return b.unless.length > 0 && blameOf(b.check.first).rules.some((r) => r !== rule && plain.has(r));
}

/** Which of two finds of one rule's deviation it gets: a plain blame over a conditional one, then registry order. */
const prefer = (b: Blame, than: Blame): boolean =>
  b.unless.length !== than.unless.length ? b.unless.length < than.unless.length : precedes(b.foundBy, than.foundBy);

/** Conditional finds kept per rule: one per way the tie breaks its deciding clauses. */
const KEPT_TIES = 8;

/**
 * Adds a find of `rule`'s deviation: the preferred plain one, or conditional ones that break
 * their deciding clauses in different ways (each may be explained, or not, by those rules).
 */
export function addBlame(blames: Map<string, Blame[]>, rule: string, b: Blame): void {
  const bs = blames.get(rule) ?? [];
  const way = (x: Blame) => wayOf(x.check.first);
  if (b.unless.length === 0) {
    if (bs[0]?.unless.length === 0 && !prefer(b, bs[0])) return;
    blames.set(rule, [b, ...bs.filter((x) => x.unless.length > 0)]);
    return;
  }
  const same = bs.findIndex((x) => x.unless.length > 0 && way(x) === way(b));
  // The rule's own find of a way first: judged alone, it shrinks with the rule's own programs.
  const own = (x: Blame) => x.foundBy === rule;
  if (same >= 0) {
    if (own(b) ? !own(bs[same]) || prefer(b, bs[same]) : !own(bs[same]) && prefer(b, bs[same])) bs[same] = b;
  } else if (bs.length < KEPT_TIES) bs.push(b);
  blames.set(rule, bs);
}
