/**
 * Ablation (one deviation, one rule): a failing program run again without the statements of
 * one rule, to see whether the divergence needed them. A lookup inside a running loop is a
 * condition of the next lookup outside it (GET-1.2: it must change nothing); when a loop that
 * forgets its "set called" flag fails that next lookup, the program without the lookups inside
 * the run fails it the same way, and GET-1 is not the rule to fix.
 */
import type { Program, Stmt } from '../language/program.ts';
import { bodyOf, walk } from '../language/program.ts';
import { predicted } from './check.ts';
import type { Probed } from './probes.ts';
import { dropping } from './probes.ts';
import type { Profile } from '../spec/profiles.ts';

/** How a diagnosis names the ablation of a rule's statements. */
export const WITHOUT = 'without ';

/**
 * The program without the statements whose own outcome the oracle tags with `rule` (not as a
 * condition), or undefined when none can go or what is left is not deterministic. A statement
 * with a body, or one that binds a variable, stays: removing it would remove more than that
 * rule's call.
 */
export function ablate(program: Program, rule: string, profile: Profile): Probed | undefined {
  const pred = predicted(program, profile);
  if (!pred.deterministic) return undefined;
  const removable = (s: Stmt) => !bodyOf(s) && !('as' in s && s.as);
  const ofRule = new Set(pred.expectations.flatMap((x) => (x.kind === 'outcome' && !x.condition && x.rule === rule ? [x.stmt] : [])));
  const drop = new Set([...walk(program.main)].filter((s) => ofRule.has(s.id!) && removable(s)).map((s) => s.id!));
  if (drop.size === 0) return undefined;
  const ablated = dropping({ program, probes: new Set() }, drop);
  return ablated.program.main.length > 0 && predicted(ablated.program, profile).deterministic ? ablated : undefined;
}
