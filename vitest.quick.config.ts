// `npm run test:quick`: the edit loop's tests. Everything but the files that run whole suites
// against real interpreters or start many processes (each of those takes 10 s to 3 min here);
// `npm test` runs them all, and CI runs `npm test`.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

const SLOW = [
  '**/deviants.test.ts',
  '**/versions.test.ts',
  '**/mutants.test.ts',
  '**/adapters/python.test.ts',
  '**/adapters/process.test.ts',
  '**/adapters/pyodide.test.ts',
  '**/adapters/fork-lock.test.ts',
  '**/gate.test.ts',
  '**/matrix.test.ts',
  '**/signals.test.ts',
  '**/faults.test.ts',
  '**/adapter-packages.test.ts',
  '**/fidelity.test.ts',
];

export default mergeConfig(base, defineConfig({ test: { exclude: [...(base.test?.exclude ?? []), ...SLOW] } }));
