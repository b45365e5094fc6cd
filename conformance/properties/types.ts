import type fc from 'fast-check';
import type { Program } from '../../language/program.ts';

/** One property: programs that reach the rule; the check itself is the same for every rule. */
export interface RuleProperty {
  rule: string;
  programs: fc.Arbitrary<Program>;
}
