import fc from 'fast-check';
import {
  stopFirstPrograms,
  closeTwicePrograms,
  closedRunPrograms,
  lifecyclePrograms,
  schedulingPrograms,
  stoppedEarlyPrograms,
  taskPrograms,
} from '../arbitraries/index.ts';
import { refusedRunPrograms, stopRerunPrograms } from '../arbitraries/reach-scheduling.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'LIFE-1', programs: fc.oneof(lifecyclePrograms, taskPrograms) },
  { rule: 'LIFE-2', programs: fc.oneof(lifecyclePrograms, closedRunPrograms, refusedRunPrograms) },
  { rule: 'LIFE-3', programs: fc.oneof(lifecyclePrograms, refusedRunPrograms) },
  { rule: 'LIFE-4', programs: fc.oneof(lifecyclePrograms, refusedRunPrograms) },
  { rule: 'LIFE-5', programs: fc.oneof(lifecyclePrograms, closeTwicePrograms) },
  { rule: 'LIFE-6', programs: lifecyclePrograms },
  { rule: 'LIFE-7', programs: fc.oneof(schedulingPrograms, lifecyclePrograms, stopFirstPrograms) },
  { rule: 'LIFE-8', programs: fc.oneof(stoppedEarlyPrograms, schedulingPrograms, stopFirstPrograms, stopRerunPrograms) },
] satisfies RuleProperty[];
