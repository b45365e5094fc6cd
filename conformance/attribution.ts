/**
 * First-divergence attribution (one deviation, one rule). Of all the expectations a program
 * breaks, whichever rule they belong to, the one broken first names the rule to blame; the
 * others are its consequences, reported with it and never counted against their own rules.
 *
 * "First" is in the order the oracle's own run of the program makes its observations: a
 * statement's outcome and warnings when it ends, an ordering where the first statement out of
 * place starts, a statement that must never run where the statement that refused it (its
 * nearest enclosing statement) starts. A hang or a crash leaves the statement in flight without
 * an observation: its outcome is broken where the oracle saw it end, which is before anything
 * the program does after it; a clause that says the program ends (SCHED-3.1, EXEC-1.1) comes
 * before that, where the hang began. Ties (one observation that several rules decide) blame
 * them all.
 */
import type { Program, Stmt } from '../language/program.ts';
import { walk } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';
import type { Mismatch } from './predictions.ts';

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

/** Where in the oracle's run a broken expectation first shows. */
function positionOf(m: Mismatch, actual: Trace, t: Timeline, up: Map<string, string>): number {
  const x = m.expectation;
  switch (x.kind) {
    case 'outcome':
    case 'warnings':
    case 'not-same':
      return t.end[x.stmt] ?? t.start[x.stmt] ?? Number.POSITIVE_INFINITY;
    case 'ran': {
      if (x.expected) return t.start[x.stmt] ?? Number.POSITIVE_INFINITY;
      for (let id = up.get(x.stmt); id; id = up.get(id)) if (id in t.start) return t.start[id];
      return Number.POSITIVE_INFINITY;
    }
    case 'order': {
      const wanted = new Set(x.expected);
      const ran = (actual.order[x.context] ?? []).filter((id) => wanted.has(id));
      const i = x.expected.findIndex((id, k) => ran[k] !== id);
      const at = [x.expected[i], ran[i]].map((id) => (id === undefined ? undefined : t.start[id])).filter((n) => n !== undefined);
      return at.length > 0 ? Math.min(...at) : Number.POSITIVE_INFINITY;
    }
    case 'terminates': {
      // A hang is what a termination clause is about: it comes just before the statement
      // left in flight (the run that never woke up), whose own clause is only its symptom.
      if (actual.end.kind !== 'hang' && actual.end.kind !== 'timeout') return Number.POSITIVE_INFINITY;
      const inFlight = Object.values(actual.order)
        .flat()
        .filter((id) => !(id in actual.obs) && id in t.start)
        .map((id) => t.start[id]);
      // The innermost statement in flight is the one that started last.
      return inFlight.length > 0 ? Math.max(...inFlight) : Number.POSITIVE_INFINITY;
    }
  }
}

/** The mismatches broken first (several when one observation is decided by several rules). */
export function firstDivergence(mismatches: Mismatch[], program: Program, actual: Trace, t: Timeline): Mismatch[] {
  if (mismatches.length === 0) return [];
  const up = parents(program);
  const at = mismatches.map((m) => positionOf(m, actual, t, up));
  const first = Math.min(...at);
  return mismatches.filter((_, i) => at[i] === first);
}
