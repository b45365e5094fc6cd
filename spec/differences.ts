/**
 * Which rules a version difference touches: the rules that depend on a profile switch two
 * profiles set differently. A CPython judged by a neighbour version's profile must fail exactly
 * these (and pass them under its own).
 */
import { differingSwitches, type Profile } from './profiles.ts';
import { RULES } from './rules.ts';

/** The ids of the rules that see a switch `a` and `b` set differently, in the suite's order. */
export function rulesThatDiffer(a: Profile, b: Profile): string[] {
  const switches = new Set(differingSwitches(a, b));
  // A rule that sees a switch only through another rule's clauses is that rule's to fail.
  return RULES.filter((r) => !r.retired && r.dependsOn.some((s) => switches.has(s) && !r.through?.[s])).map((r) => r.id);
}
