// `npm run test:catalogue`: every mutant of the reference, every deviant loop and every CPython
// under a neighbour's profile, each judged by the whole suite; the census of clauses at every
// seed, and the oracle's differences between every pair of profiles (30 to 50 minutes on a
// 2-core machine). `npm test` judges a fixed sample of each (fixtures/helpers/catalogue.ts).
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  test: {
    ...base.test,
    // Not merged: mergeConfig would append these to the base's every-test include.
    include: [
      'fixtures/mutants/mutants.test.ts',
      'conformance/deviants.test.ts',
      'conformance/versions.test.ts',
      'conformance/census.test.ts',
      'conformance/profiles.test.ts',
    ],
    env: { LOOPSPEC_CATALOGUE: '1' },
  },
});
