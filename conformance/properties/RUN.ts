import fc from 'fast-check';
import {
  afterRunPrograms,
  crossThreadPrograms,
  findingPrograms,
  forkPrograms,
  lifecyclePrograms,
  taskPrograms,
  workerThreadPrograms,
} from '../arbitraries/index.ts';
import { afterForkParentPrograms, forkChildLoopPrograms } from '../arbitraries/reach-fork.ts';
import type { RuleProperty } from './types.ts';

const programs = fc.oneof(findingPrograms, lifecyclePrograms, taskPrograms, workerThreadPrograms);
/** Loops run inside a fork child, and the parent's running loop once the fork returns (FORK-1's pid check). */
const forked = fc.oneof(forkChildLoopPrograms, afterForkParentPrograms);

export default [
  { rule: 'RUN-1', programs: fc.oneof(programs, afterRunPrograms, forked) },
  { rule: 'RUN-2', programs: fc.oneof(programs, forkPrograms, afterRunPrograms, forked) },
  { rule: 'RUN-3', programs: crossThreadPrograms },
] satisfies RuleProperty[];
