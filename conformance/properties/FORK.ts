import fc from 'fast-check';
import { forkPrograms } from '../arbitraries/index.ts';
import { afterForkParentPrograms, forkChildLoopPrograms, forkFromWorkerPrograms } from '../arbitraries/reach-fork.ts';
import type { RuleProperty } from './types.ts';

/** Forks from the main thread and from a worker, loops run inside the child, and the parent's lookups after the fork returns. */
const programs = fc.oneof(
  { weight: 2, arbitrary: forkPrograms },
  { weight: 1, arbitrary: forkChildLoopPrograms },
  { weight: 1, arbitrary: afterForkParentPrograms },
  { weight: 1, arbitrary: forkFromWorkerPrograms },
);

export default [
  { rule: 'FORK-1', programs },
  { rule: 'FORK-2', programs },
] satisfies RuleProperty[];
