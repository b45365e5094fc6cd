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
import type { RuleProperty } from './types.ts';

const programs = fc.oneof(findingPrograms, lifecyclePrograms, taskPrograms, workerThreadPrograms);

export default [
  { rule: 'RUN-1', programs: fc.oneof(programs, afterRunPrograms) },
  { rule: 'RUN-2', programs: fc.oneof(programs, forkPrograms, afterRunPrograms) },
  { rule: 'RUN-3', programs: crossThreadPrograms },
] satisfies RuleProperty[];
