import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'scratch/**', '.stryker-tmp/**', 'reports/**'],
    // Timeouts only catch a hung test; they are no measure of speed (that is `npm run bench`).
    // Several files run a whole suite in beforeAll or on a real interpreter: a loaded CI machine
    // took more than 120 s for some (stop 24's CI), so the bound is 10 minutes.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Vitest's default, one worker fewer than the cores, ran every file one after the other on
    // CI's 2 cores; many files wait on interpreters and processes, so two overlap well there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
