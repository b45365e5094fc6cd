/**
 * How a mismatch is broken, as blame compares mismatches (blame.ts, diagnosis.ts): which rule or
 * clause, what was compared (outcome, warnings) and what the implementation gave instead.
 */
import { isObjRef } from '../language/trace.ts';
import type { Mismatch } from './predictions.ts';

/**
 * What of a rule a mismatch breaks, for `explains`: the rule, what was compared (outcome,
 * warnings) and what the implementation gave instead (an error, a new or an earlier object).
 * Not the clause: a rule whose error message is wrong in worker threads (GET-4.2) is wrong
 * after set_event_loop(None) in the main thread too (GET-4.1, conditioned by NEW-4.2). But a
 * fork child that returns the parent's loop where a lookup should raise is not explained by a
 * main thread that creates a new loop there.
 */
export const brokenAs = (m: Mismatch): string => `${m.expectation.rule} ${m.expectation.kind} ${insteadOf(m)}`;

/**
 * What came instead, as `explains` compares it: where a statement should return one object (the
 * running loop), any other object is the same mistake, a new one or an earlier one (which of
 * them depends on what the program made before: a lookup that skips the running loop finds the
 * implicitly created loop if there is one, and makes one if not). Where it should raise, which
 * object came instead still tells two deviations apart.
 */
function insteadOf(m: Mismatch): string {
  const x = m.expectation;
  // Where it should raise and did not, a value returned and a statement still in flight when the run ended are one
  // mistake: a cancel not forwarded to a task lets its sleep(0) return None, and leaves its sleep(30) pending.
  if (x.kind === 'outcome' && 'error' in x.expected && (m.got === 'value' || m.got === 'missing, in flight')) return 'no error';
  const anObject = x.kind === 'outcome' && 'value' in x.expected && isObjRef(x.expected.value);
  return anObject && m.got ? m.got.replace(/^(new|earlier) /, 'another ') : (m.got ?? '');
}

/** How a first divergence breaks the clauses that decide it (not its conditions): which clauses, which of outcome and warnings, what came instead. */
export const wayOf = (first: Mismatch[]): string =>
  first
    .filter((m) => !m.expectation.condition)
    .map((m) => `${m.expectation.clause} ${m.expectation.kind} ${insteadOf(m)}`)
    .sort()
    .join();
