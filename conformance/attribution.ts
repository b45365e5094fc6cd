/**
 * First-divergence attribution (one deviation, one rule). Of all the expectations a program
 * breaks, whichever rule they belong to, the one broken first names the rule to blame; the
 * others are its consequences, reported with it and never counted against their own rules.
 *
 * "First" is in the order the oracle's own run of the program makes its observations: a
 * statement's outcome and warnings when it ends, an ordering where the first statement out of
 * place starts, a statement that must never run where the statement that refused it (the
 * one the expectation names, a cancel(), when it returns; else its nearest enclosing statement, when it starts). Statements the implementation never started rank
 * after those that ran: what stopped them came first. A hang leaves the statement in flight
 * without an observation: its outcome is broken where the oracle saw it end, which is before
 * anything the program does after it, and a clause that says the program ends (SCHED-3.1,
 * EXEC-1.1) ties with it. Ties (one observation that several rules decide) blame them all.
 * A fault (a crash, a timeout) is the same: a divergence at the statement in flight, when the
 * implementation reports the statements it started (the Python driver streams them); one
 * that reports nothing is not attributed (check.ts).
 */
import type { Program, Stmt } from '../language/program.ts';
import { walk } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';
import type { Mismatch } from './predictions.ts';
import { orderSeen } from './predictions.ts';

/** When the oracle's run started and ended each statement: one counter over every context. */
export interface Timeline {
  start: Record<string, number>;
  end: Record<string, number>;
}

/** Each statement's enclosing statement, by id. */
function parents(program: Program): Map<string, string> {
  const up = new Map<string, string>();
  for (const s of walk(program.main)) if ('body' in s) for (const c of s.body as Stmt[]) up.set(c.id!, s.id!);
  return up;
}

/** What a run showed of each statement: started (in its context's order) and observed. */
interface Seen {
  trace: Trace;
  started: Set<string>;
}

/** Where in the oracle's run a broken expectation first shows. */
function positionOf(m: Mismatch, { trace: actual, started }: Seen, t: Timeline, up: Map<string, string>): number {
  const x = m.expectation;
  switch (x.kind) {
    case 'outcome':
    case 'warnings':
    case 'not-same':
      return t.end[x.stmt] ?? t.start[x.stmt] ?? Number.POSITIVE_INFINITY;
    case 'ran': {
      // Expected to run: where it should have started, or, if it started, where it should have
      // finished (a statement resumed in a later run, LIFE-8.3, is missing only then).
      if (x.expected) return (started.has(x.stmt) ? t.end[x.stmt] : undefined) ?? t.start[x.stmt] ?? Number.POSITIVE_INFINITY;
      // Refused by a statement (a cancel before its first step): decided when that statement
      // returned, unless it ran before that statement even started (then it broke first).
      if (x.refusedBy !== undefined && x.refusedBy in t.start) {
        const by = x.refusedBy;
        const ids = Object.values(actual.order).find((o) => o.includes(x.stmt) && o.includes(by));
        const ranBefore = ids !== undefined && ids.indexOf(x.stmt) < ids.indexOf(by);
        return ranBefore ? t.start[by] : (t.end[by] ?? t.start[by]);
      }
      for (let id = up.get(x.stmt); id; id = up.get(id)) if (id in t.start) return t.start[id];
      return Number.POSITIVE_INFINITY;
    }
    case 'order': {
      const { wanted, ran } = orderSeen(x, actual);
      // The first place the actual order differs: a missing, swapped or extra statement.
      const differs = wanted.findIndex((id, k) => ran[k] !== id);
      const i = differs === -1 ? wanted.length : differs;
      const at = [wanted[i], ran[i]].map((id) => (id === undefined ? undefined : t.start[id])).filter((n) => n !== undefined);
      return at.length > 0 ? Math.min(...at) : Number.POSITIVE_INFINITY;
    }
    case 'terminates': {
      // A hang is what a termination clause is about: it ties with the statement left in flight
      // (the innermost: the one that started last), which may be the hang or only its symptom.
      if (actual.end.kind !== 'hang' && actual.end.kind !== 'timeout') return Number.POSITIVE_INFINITY;
      const inFlight = [...started].filter((id) => !(id in actual.obs) && id in t.start);
      if (inFlight.length === 0) return Number.POSITIVE_INFINITY;
      const innermost = inFlight.reduce((a, b) => (t.start[b] > t.start[a] ? b : a));
      return t.end[innermost] ?? t.start[innermost];
    }
  }
}

/**
 * A statement the implementation never started, where the oracle expected it: whatever kept
 * it from running came first (a refusal, a hang), so it ranks after every divergence of a
 * statement that did run.
 */
function neverStarted(m: Mismatch, { trace, started }: Seen): boolean {
  const x = m.expectation;
  if (x.kind === 'order') {
    // Out of order only because the statements that should come next never started at all.
    const { wanted, ran } = orderSeen(x, trace);
    const i = wanted.findIndex((id, k) => ran[k] !== id);
    return i >= 0 && ran[i] === undefined && !started.has(wanted[i]);
  }
  if (x.kind === 'terminates' || (x.kind === 'ran' && !x.expected)) return false;
  return !(x.stmt in trace.obs) && !started.has(x.stmt);
}

/** The mismatches broken first (several when one observation is decided by several rules). */
export function firstDivergence(mismatches: Mismatch[], program: Program, actual: Trace, t: Timeline): Mismatch[] {
  if (mismatches.length === 0) return [];
  const up = parents(program);
  const seen: Seen = { trace: actual, started: new Set(Object.values(actual.order).flat()) };
  const rank = mismatches.map((m) => [neverStarted(m, seen) ? 1 : 0, positionOf(m, seen, t, up)] as const);
  const [tier, at] = rank.reduce((a, b) => (b[0] < a[0] || (b[0] === a[0] && b[1] < a[1]) ? b : a));
  const first = mismatches.filter((_, i) => rank[i][0] === tier && rank[i][1] === at);
  // A statement that started and broke its outcome (a crash in it): that it "never ran" to its
  // end is the same divergence, its outcome's; the rule that queued it is not to blame.
  const outcomes = new Set(first.flatMap((m) => (m.expectation.kind === 'outcome' ? [m.expectation.stmt] : [])));
  return first.filter(
    (m) =>
      !(
        m.expectation.kind === 'ran' &&
        m.expectation.expected &&
        outcomes.has(m.expectation.stmt) &&
        seen.started.has(m.expectation.stmt)
      ) &&
      // What a statement should have refused ran because the statement itself went otherwise: its outcome's divergence.
      !(m.expectation.kind === 'ran' && !m.expectation.expected && m.expectation.refusedBy && outcomes.has(m.expectation.refusedBy)),
  );
}
