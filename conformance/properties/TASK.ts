import fc from 'fast-check';
import {
  roundRobinPrograms,
  awaitTwicePrograms,
  lifecyclePrograms,
  schedulingPrograms,
  taskPrograms,
  taskStartPrograms,
} from '../arbitraries/index.ts';
import { currentTaskInCallbackPrograms } from '../arbitraries/reach-scheduling.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'TASK-1', programs: fc.oneof(taskPrograms, taskStartPrograms) },
  { rule: 'TASK-2', programs: fc.oneof(taskPrograms, awaitTwicePrograms, roundRobinPrograms) },
  { rule: 'TASK-3', programs: taskPrograms },
  { rule: 'TASK-4', programs: fc.oneof(taskPrograms, schedulingPrograms, lifecyclePrograms, currentTaskInCallbackPrograms) },
  { rule: 'TASK-5', programs: fc.oneof(taskPrograms, roundRobinPrograms) },
] satisfies RuleProperty[];
