import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['spec/**/*.test.ts', 'reference/**/*.test.ts', 'conformance/**/*.test.ts', 'fixtures/**/*.test.ts', 'cli/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
