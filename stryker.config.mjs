// Mutation testing of the reference (`npm run mutation`): Stryker mutates reference/ and runs
// the conformance suite against each mutant (vitest.mutation.config.ts); a mutant is killed
// when some rule fails. Mutants that do not typecheck are discarded by the TypeScript checker.
// Sandboxes go to .stryker-tmp/, reports to reports/mutation/ (both git-ignored); the survivors
// are triaged in reference/MUTATION.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['reference/**/*.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // The machine is shared: under load a surviving mutant's run can pass Stryker's default
  // allowance (5 s over the dry run's time) and count as a timeout, i.e. as killed.
  timeoutMS: 20_000,
  ignorePatterns: ['scratch', '.loopspec', 'reports'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  clearTextReporter: { logTests: false, allowColor: false },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
};
