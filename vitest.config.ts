import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'scratch/**', '.stryker-tmp/**', 'reports/**'],
    testTimeout: 120_000,
  },
});
