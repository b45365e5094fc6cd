// The registry's `dependsOn` is the truth about versions: between two profiles, a rule's
// observations differ if and only if the profiles differ in a switch the rule depends on.
// Checked on generated programs, the oracle under one profile against the oracle under the
// other. `npm test` checks the pairs of neighbouring versions; `npm run test:catalogue` every
// pair (fixtures/helpers/catalogue.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES, differingSwitches } from '../spec/profiles.ts';
import type { Profile } from '../spec/profiles.ts';
import { RULES } from '../spec/rules.ts';
import { checker } from './predictions.ts';
import { predict } from './oracle/oracle.ts';
import { numberProgram } from '../language/program.ts';
import { PROPERTIES } from './properties/index.ts';
import { NOT_SAMPLED, WHOLE_CATALOGUE } from '../fixtures/helpers/catalogue.ts';

const SAMPLES = 150;
const samples = new Map(PROPERTIES.map((p) => [p.rule, fc.sample(p.programs.map(numberProgram), { numRuns: SAMPLES, seed: 3 })]));

/** Does some sampled program of the rule observe a difference between the two profiles? */
function differs(rule: string, a: Profile, b: Profile): boolean {
  return samples.get(rule)!.some((p) => {
    const pa = predict(p, a);
    const pb = predict(p, b);
    if (!pa.deterministic || !pb.deterministic) return false;
    const against = (x: typeof pa, y: typeof pb) => x.expectations.filter((e) => e.rule === rule).some(checker(x.trace, y.trace));
    return against(pa, pb) || against(pb, pa);
  });
}

const pairs = PROFILES.flatMap((a, i) => PROFILES.slice(i + 1).map((b) => [a, b] as const));

describe('rules and versions', () => {
  it.for(pairs.map(([a, b]) => [a.name, b.name, a, b] as const))(
    '%s vs %s: exactly the rules that depend on a differing switch differ',
    ([, , a, b], ctx) => {
      const neighbours = PROFILES.indexOf(b) === PROFILES.indexOf(a) + 1;
      if (!neighbours && !WHOLE_CATALOGUE) return ctx.skip(NOT_SAMPLED);
      const switches = new Set(differingSwitches(a, b));
      const declared = RULES.filter((r) => r.dependsOn.some((s) => switches.has(s))).map((r) => r.id);
      const observed = RULES.filter((r) => differs(r.id, a, b)).map((r) => r.id);
      expect(observed).toEqual(declared);
    },
  );
});
