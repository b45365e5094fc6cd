import fc from 'fast-check';
import { workerThreadPrograms } from '../arbitraries/index.ts';
import { mainThreadNamePrograms } from '../arbitraries/reach-fork.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'THR-1', programs: fc.oneof({ weight: 3, arbitrary: workerThreadPrograms }, { weight: 1, arbitrary: mainThreadNamePrograms }) },
] satisfies RuleProperty[];
