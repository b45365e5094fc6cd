// The suite against the built-in reference under every other profile (suite.test.ts runs the
// default one): each rule's property, judged by the profile the reference follows, passes and
// is reached. One test per profile and rule, so that a failure names both; with suite.test.ts,
// the test that `npm run mutation` runs (vitest.mutation.config.ts).
import { describe, expect, it } from 'vitest';
import { defaultProfile, PROFILES } from '../spec/profiles.ts';
import { referenceAdapter } from './adapters/reference.ts';
import { PROPERTIES } from './properties/index.ts';
import { runRule, ruleSeed } from './runner.ts';

const RUNS = 100;
const SEED = 20261129;

describe.each(PROFILES.filter((p) => p.name !== defaultProfile().name).map((p) => [p.name, p] as const))(
  'the reference under %s',
  (_name, profile) => {
    const adapter = referenceAdapter({ profile });
    it.each(PROPERTIES.map((p) => [p.rule, p] as const))('conforms to %s', async (_rule, prop) => {
      const r = await runRule(prop, adapter, RUNS, ruleSeed(SEED, prop.rule), undefined, profile);
      expect(r.error).toBeNull();
      expect(r.counterexample?.mismatches ?? []).toEqual([]);
      expect(r.verdict).toBe('pass');
      expect(r.exercised).toBeGreaterThan(0);
    });
  },
);
