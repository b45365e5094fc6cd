// The census of clauses: under every profile, at the default number of runs, every clause
// that applies is reached by at least 20 of its rule's programs (the programs the runner
// generates for the rule); no clause is predicted where it does not apply; every clause the
// oracle names is in the registry. The oracle alone decides what a program reaches, so this
// needs no implementation. `npm test` takes it at seed 1; `npm run test:catalogue` at every
// seed of SEEDS (fixtures/helpers/catalogue.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../spec/profiles.ts';
import { clauseApplies, clauseById, ruleById } from '../spec/rules.ts';
import { CLAUSE_SHAPES } from './arbitraries/reach-clauses.ts';
import { predict } from './oracle/oracle.ts';
import { PROPERTIES } from './properties/index.ts';
import { DEFAULT_RUNS, programsOf, ruleSeed } from './runner.ts';
import { NOT_SAMPLED, WHOLE_CATALOGUE } from '../fixtures/helpers/catalogue.ts';

const AT_LEAST = 20;
/** Run seeds the census is taken at (each rule derives its own from them, as `loopspec run --seed` does). */
const SEEDS = [1, 2, 3];

describe.each(PROFILES)('$name', (profile) => {
  it.for(SEEDS)(`every clause that applies is reached by at least ${AT_LEAST} programs of its rule, seed %i`, (seed, ctx) => {
    if (seed !== SEEDS[0] && !WHOLE_CATALOGUE) return ctx.skip(NOT_SAMPLED);
    const short: string[] = [];
    const misplaced: string[] = [];
    for (const prop of PROPERTIES) {
      const programs = fc.sample(programsOf(prop, profile), { numRuns: DEFAULT_RUNS, seed: ruleSeed(seed, prop.rule) });
      const reached = new Map<string, number>();
      for (const p of programs) {
        const clauses = new Set(
          predict(p, profile)
            .expectations.filter((x) => x.rule === prop.rule)
            .map((x) => x.clause),
        );
        for (const c of clauses) reached.set(c, (reached.get(c) ?? 0) + 1);
      }
      for (const [id, n] of reached) {
        const clause = clauseById(id);
        if (!clause) misplaced.push(`${id}: not in the registry (${n} programs)`);
        else if (!clauseApplies(clause, profile))
          misplaced.push(`${id}: predicted in ${n} programs, but applies only when ${JSON.stringify(clause.when)}`);
      }
      for (const c of ruleById(prop.rule)!.clauses) {
        const n = reached.get(c.id) ?? 0;
        if (clauseApplies(c, profile) && n < AT_LEAST) short.push(`${c.id}: ${n}`);
      }
    }
    expect(misplaced, 'clauses predicted where they do not apply').toEqual([]);
    expect(short, `clauses reached by fewer than ${AT_LEAST} of ${DEFAULT_RUNS} programs`).toEqual([]);
  });
});

describe('the shapes by clause', () => {
  it('name clauses of the registry, and each reaches its clause', () => {
    for (const { clause, shape } of CLAUSE_SHAPES) {
      const c = clauseById(clause);
      expect(c, clause).toBeDefined();
      // Under some profile where the clause applies, a good part of its shape's programs reach it.
      const hits = PROFILES.filter((p) => clauseApplies(c!, p)).map((profile) => {
        const programs = fc.sample(programsOf({ rule: clause, programs: shape }, profile), { numRuns: 50, seed: 1 });
        return programs.filter((p) => predict(p, profile).expectations.some((x) => x.clause === clause)).length;
      });
      expect(Math.max(...hits), `${clause}: programs of its shape that reach it, of 50`).toBeGreaterThanOrEqual(20);
    }
  });
});
