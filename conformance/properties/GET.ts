import fc from 'fast-check';
import {
  loopsPerThreadPrograms,
  setFlagPrograms,
  closedImplicitPrograms,
  findingPrograms,
  runningNotCurrentPrograms,
  setThenGetPrograms,
  forkPrograms,
  lifecyclePrograms,
  policyPrograms,
  workerThreadPrograms,
} from '../arbitraries/index.ts';
import { afterForkParentPrograms, forkChildLoopPrograms, mainThreadNamePrograms } from '../arbitraries/reach-fork.ts';
import type { RuleProperty } from './types.ts';

const programs = fc.oneof(findingPrograms, policyPrograms, lifecyclePrograms, workerThreadPrograms, forkPrograms);

export default [
  {
    rule: 'GET-1',
    programs: fc.oneof(lifecyclePrograms, workerThreadPrograms, runningNotCurrentPrograms, forkChildLoopPrograms, afterForkParentPrograms),
  },
  { rule: 'GET-2', programs: fc.oneof(programs, setThenGetPrograms, afterForkParentPrograms) },
  {
    rule: 'GET-3',
    programs: fc.oneof(
      programs,
      closedImplicitPrograms,
      setThenGetPrograms,
      setFlagPrograms,
      loopsPerThreadPrograms,
      afterForkParentPrograms,
    ),
  },
  { rule: 'GET-4', programs: fc.oneof(programs, setFlagPrograms, loopsPerThreadPrograms, mainThreadNamePrograms) },
] satisfies RuleProperty[];
