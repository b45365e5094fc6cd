/**
 * Expectations: what the oracle predicts, each tagged with the clause that decides it, and how
 * an actual (canonical) trace is checked against them.
 */
import type { ObjRef, Outcome, Trace, Value, Warning } from '../language/trace.ts';
import { formatOutcome, formatWarnings, idsInOrder, isObjRef } from '../language/trace.ts';
import { ruleOfClause } from '../spec/rules.ts';

/** The clause that decides an expectation (`SCHED-2.3`), and its rule (`SCHED-2`). */
export interface Tag {
  rule: string;
  clause: string;
}

/**
 * `condition`: the clause decides which state the statement saw (a policy just installed, a
 * lookup made inside a running loop, what a fork left the child), not what the statement does
 * with it, which the expectation's other clause decides. A divergence there is the condition's
 * only when the other clause holds wherever the implementation is seen alone (runner.ts).
 */
export type Expectation = Tag & { condition?: true } & (
    | /** The statement executed with this outcome (value, or error class and message). */
    {
        kind: 'outcome';
        stmt: string;
        expected: Outcome;
        match?: 'exact' | 'prefix';
        /** A condition about the state a call read: broken only where the call returned (an error is the call's own, not the state's). */
        valueOnly?: true;
        /** A condition broken only where the call returned a value: not where it raised, nor where it never ended (ERR-2's cleanup condition). */
        returned?: true;
      }
    /** The statement raised exactly these warnings (none, if empty). */
    | { kind: 'warnings'; stmt: string; expected: Warning[] }
    /**
     * These statements ran in this context, in this relative order (others may interleave).
     * `backToBack`: two callbacks queued back to back (one loop, one thread, one segment):
     * only if both ran, in this order. That holds whatever state the program was in, so its
     * break is its rule's own deviation, whatever diverged first (check.ts `proven`).
     */
    | { kind: 'order'; context: string; expected: string[]; backToBack?: true }
    /** The statement's value is none of the objects that these other statements returned. */
    | { kind: 'not-same'; stmt: string; others: string[] }
    /**
     * The statement ran (or, with false, never ran). `refusedBy`: the statement that keeps it
     * from running (a cancel() before its task's first step), where its break is dated
     * (attribution.ts); without it, its nearest enclosing statement.
     */
    | { kind: 'ran'; stmt: string; expected: boolean; refusedBy?: string }
    /**
     * The program ran to its end (no hang). `jobs`: each executor job as [its run_in_executor
     * statement, the job's first statement]; a condition only while a job submitted (its
     * statement started) never started: a job seen to start ran, and is not what the program
     * waits for.
     */
    | { kind: 'terminates'; jobs?: Array<[string, string]> }
  );

/** The tag of a clause: the clause and the rule it belongs to. */
export function tag(clause: string): Tag {
  return { rule: ruleOfClause(clause), clause };
}

export interface Mismatch {
  expectation: Expectation;
  actual: string;
  expected: string;
  /**
   * For an outcome: what kind of thing the implementation gave (`error RuntimeError`, `new
   * loop`, `earlier loop`, `value`, `missing`, `missing, in flight`), so that two mismatches of one clause can be
   * told apart by how they are wrong (runner.ts, blame.ts `brokenAs`).
   */
  got?: string;
}

const num = (id: string) => Number(id.slice(1));

/*
 * Object identity is checked against the implementation's own objects, anchored where the
 * prediction first shows each object: "the same object as at s3", or "a new object, none of
 * those seen before". So a deviation elsewhere never renames the objects this check sees.
 * The Python reproducers make the same check (tool/repro/py/check.py, ReproCheck.outcome) with
 * the anchors computed here: a standalone script has no Node to run this one.
 */

/**
 * Whether statement `a` comes before `b` in the prediction: by when they start where one
 * context runs both (a generator's finally is numbered before asyncio.run's body but runs
 * after it), else by statement number.
 */
function startsBefore(predicted: Trace, a: string, b: string): boolean {
  for (const ids of Object.values(predicted.order)) {
    const i = ids.indexOf(a);
    const j = ids.indexOf(b);
    if (i >= 0 && j >= 0) return i < j;
  }
  return num(a) < num(b);
}

/** Where the prediction first shows each object, and which statements start before which. */
export class FirstSeen {
  /** Canonical name -> the statement that first shows it. */
  readonly at = new Map<string, string>();
  constructor(private readonly predicted: Trace) {
    for (const id of idsInOrder(predicted.obs)) {
      const o = predicted.obs[id].outcome;
      if (!('value' in o) || !isObjRef(o.value)) continue;
      const seen = this.at.get(o.value.id);
      if (seen === undefined || this.before(id, seen)) this.at.set(o.value.id, id);
    }
  }

  /** Whether statement `a` starts before `b` in the prediction (startsBefore). */
  before(a: string, b: string): boolean {
    return startsBefore(this.predicted, a, b);
  }
}

/** Where the prediction first shows each object. */
export function firstSeen(predicted: Trace): FirstSeen {
  return new FirstSeen(predicted);
}

/** The identity an object-valued outcome must have: that of another statement's object, or none seen before. */
export type Anchor = { kind: ObjRef['obj'] } & ({ sameAs: string } | { newNot: string[] });

/**
 * The anchor of the object expected at `stmt`: the statement that first shows it, or, for a
 * new object, the statements that first show the others and start before `stmt` (by the same
 * order as firstSeen, so that a finally numbered before its run's body still counts as after it).
 */
export function anchorOf(stmt: string, expected: ObjRef, first: FirstSeen): Anchor {
  const at = first.at.get(expected.id);
  if (at && at !== stmt) return { kind: expected.obj, sameAs: at };
  const newNot = [...first.at].filter(([name, s]) => name !== expected.id && first.before(s, stmt)).map(([, s]) => s);
  return { kind: expected.obj, newNot };
}

/** The expected object in words: "L1 (the loop of s1)", "L2 (a new loop)". */
export function describeAnchored(expected: ObjRef, a: Anchor): string {
  return 'sameAs' in a ? `${expected.id} (the ${a.kind} of ${a.sameAs})` : `${expected.id} (a new ${a.kind})`;
}

class Identities {
  private first: FirstSeen;
  constructor(
    predicted: Trace,
    private actual: Trace,
  ) {
    this.first = firstSeen(predicted);
  }

  private actualAt(stmt: string): Value | undefined {
    const o = this.actual.obs[stmt]?.outcome;
    return o && 'value' in o ? o.value : undefined;
  }

  private sameObject(stmt: string, actual: ObjRef): boolean {
    const seen = this.actualAt(stmt);
    return isObjRef(seen) && seen.id === actual.id;
  }

  /** Whether the actual value at `stmt` is the expected object. */
  holds(stmt: string, expected: ObjRef, actual: Value): boolean {
    if (!isObjRef(actual) || actual.obj !== expected.obj) return false;
    const a = anchorOf(stmt, expected, this.first);
    return 'sameAs' in a ? this.sameObject(a.sameAs, actual) : !a.newNot.some((at) => this.sameObject(at, actual));
  }

  describe(stmt: string, expected: ObjRef): string {
    return describeAnchored(expected, anchorOf(stmt, expected, this.first));
  }
}

function outcomeProblem(exp: Outcome, act: Outcome | undefined, match: 'exact' | 'prefix', stmt: string, ids: Identities): boolean {
  if (!act) return true;
  if ('value' in exp) {
    if (!('value' in act)) return true;
    if (isObjRef(exp.value)) return !ids.holds(stmt, exp.value, act.value);
    return isObjRef(act.value) || exp.value !== act.value;
  }
  if (!('error' in act) || act.error.type !== exp.error.type) return true;
  return match === 'exact' ? act.error.message !== exp.error.message : !act.error.message.startsWith(exp.error.message);
}

const sameWarnings = (e: Warning[], a: Warning[]): boolean =>
  e.length === a.length && e.every((w, i) => w.category === a[i].category && w.message === a[i].message);

/** Checks expectations against an actual trace, given the predicted trace they come from. */
export function checker(predicted: Trace, actual: Trace): (x: Expectation) => Mismatch | undefined {
  const ids = new Identities(predicted, actual);
  return (x) => check(x, actual, ids);
}

/** What kind of outcome the implementation gave at `stmt`: an error class, a new or an earlier object, a plain value. */
function kindOf(o: Outcome | undefined, stmt: string, trace: Trace): string {
  if (!o) return started(stmt, trace) ? 'missing, in flight' : 'missing';
  if ('error' in o) return `error ${o.error.type}`;
  if (!isObjRef(o.value)) return 'value';
  const v = o.value;
  const num = (id: string) => Number(id.slice(1));
  const earlier = idsInOrder(trace.obs).some((id) => {
    const w = trace.obs[id].outcome;
    return num(id) < num(stmt) && 'value' in w && isObjRef(w.value) && w.value.id === v.id;
  });
  return `${earlier ? 'earlier' : 'new'} ${v.obj}`;
}

/** A statement without an observation: never started, or started and in flight when the run ended. */
function missing(stmt: string, trace: Trace): string {
  return started(stmt, trace) ? `(started, never finished: ${trace.end.kind})` : '(not executed)';
}

const started = (stmt: string, trace: Trace): boolean => Object.values(trace.order).some((ids) => ids.includes(stmt));

/**
 * An order expectation against a trace: the statements it expects, in order (of a back-to-back
 * pair, those that ran), and those of them that ran, in the order they ran.
 */
export function orderSeen(x: Extract<Expectation, { kind: 'order' }>, trace: Trace): { wanted: string[]; ran: string[] } {
  const all = new Set(x.expected);
  const seen = (trace.order[x.context] ?? []).filter((id) => all.has(id));
  if (!x.backToBack) return { wanted: x.expected, ran: seen };
  // A pair's order is where each first ran: one that ran twice is another rule's deviation.
  const ran = seen.filter((id, i) => seen.indexOf(id) === i);
  return { wanted: x.expected.filter((id) => ran.includes(id)), ran };
}

/** What a termination expectation expects, in words (tool/repro/expected.ts and check.py say the same). */
export const endsText = (x: Extract<Expectation, { kind: 'terminates' }>): string =>
  x.jobs ? `the program ends, or every executor job submitted (${x.jobs.map(([s]) => s).join(', ')}) started` : 'the program ends';

/** Whether every executor job submitted started: [its run_in_executor statement, its first statement]. */
function jobsRan(jobs: Array<[string, string]>, trace: Trace): boolean {
  const started = new Set(Object.values(trace.order).flat());
  return jobs.every(([submit, first]) => !started.has(submit) || started.has(first));
}

function check(x: Expectation, trace: Trace, ids: Identities): Mismatch | undefined {
  switch (x.kind) {
    case 'outcome': {
      const act = trace.obs[x.stmt]?.outcome;
      if (x.valueOnly && act && 'error' in act) return undefined;
      if (x.returned && (!act || 'error' in act)) return undefined;
      const match = x.match ?? 'exact';
      if (!outcomeProblem(x.expected, act, match, x.stmt, ids)) return undefined;
      const prefix = match === 'prefix' ? ' (message prefix)' : '';
      const expected =
        'value' in x.expected && isObjRef(x.expected.value) ? ids.describe(x.stmt, x.expected.value) : formatOutcome(x.expected);
      return {
        expectation: x,
        expected: expected + prefix,
        actual: act ? formatOutcome(act) : missing(x.stmt, trace),
        got: kindOf(act, x.stmt, trace),
      };
    }
    case 'warnings': {
      const o = trace.obs[x.stmt];
      if (!o) return { expectation: x, expected: formatWarnings(x.expected), actual: missing(x.stmt, trace) };
      if (sameWarnings(x.expected, o.warnings)) return undefined;
      const got = o.warnings.length === 0 ? 'none' : x.expected.length === 0 ? 'unexpected' : 'others';
      return { expectation: x, expected: formatWarnings(x.expected), actual: formatWarnings(o.warnings), got };
    }
    case 'order': {
      const { wanted, ran } = orderSeen(x, trace);
      if (ran.length === wanted.length && ran.every((id, i) => id === wanted[i])) return undefined;
      return {
        expectation: x,
        expected: `${x.context}: ${x.expected.join(' < ')}${x.backToBack ? ' (if both run)' : ''}`,
        actual: `${x.context}: ${ran.join(' < ') || '(none ran)'}`,
      };
    }
    case 'not-same': {
      const act = trace.obs[x.stmt]?.outcome;
      if (!act) return { expectation: x, expected: `not the object of ${x.others.join(', ')}`, actual: missing(x.stmt, trace) };
      const value = 'value' in act ? act.value : undefined;
      const same = x.others.find((o) => {
        const other = trace.obs[o]?.outcome;
        return isObjRef(value) && other && 'value' in other && isObjRef(other.value) && other.value.id === value.id;
      });
      return same ? { expectation: x, expected: `not the object of ${same}`, actual: `the object of ${same}`, got: 'same' } : undefined;
    }
    case 'ran': {
      const ran = x.stmt in trace.obs;
      if (ran === x.expected) return undefined;
      return { expectation: x, expected: x.expected ? 'runs' : 'never runs', actual: ran ? 'ran' : 'never ran' };
    }
    case 'terminates':
      return trace.end.kind === 'ok' || (x.jobs && jobsRan(x.jobs, trace))
        ? undefined
        : { expectation: x, expected: endsText(x), actual: `${trace.end.kind}: ${trace.end.detail}` };
  }
}

/** Where an expectation points, for reports: a statement id or a context. */
export function locate(x: Expectation): string {
  if (x.kind === 'order') return `order in ${x.context}`;
  if (x.kind === 'not-same') return `${x.stmt} outcome`;
  if (x.kind === 'terminates') return 'end of program';
  return `${x.stmt} ${x.kind}`;
}
