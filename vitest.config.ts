import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'scratch/**', '.stryker-tmp/**', 'reports/**'],
    testTimeout: 120_000,
    // Several files run a whole suite in beforeAll: on a loaded machine that takes more than
    // vitest's 10 s default, and the file's tests would be reported skipped, not run.
    hookTimeout: 120_000,
  },
});
