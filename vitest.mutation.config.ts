// The test that `npm run mutation` (Stryker, stryker.config.mjs) runs against each mutant of
// reference/: the conformance suite against the reference, under the default profile
// (suite.test.ts) and every other one (suite-profiles.test.ts). Nothing else: a mutant counts
// as killed only when some rule's property fails.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['conformance/suite.test.ts', 'conformance/suite-profiles.test.ts'],
    testTimeout: 120_000,
  },
});
