import { runnerPrograms } from '../arbitraries/reach-runners.ts';
import { runner2Programs } from '../arbitraries/reach-runners2.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'RUNNER-1', programs: runnerPrograms },
  { rule: 'RUNNER-2', programs: runner2Programs },
] satisfies RuleProperty[];
