import fc from 'fast-check';
import { callbackOrderPrograms, crossThreadPrograms, lifecyclePrograms, schedulingPrograms } from '../arbitraries/index.ts';
import { cancelPrograms, closedSchedulePrograms, crossQueuePrograms, foreignCallbackPrograms } from '../arbitraries/reach-scheduling.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'SCHED-1', programs: fc.oneof(callbackOrderPrograms, schedulingPrograms, crossQueuePrograms, foreignCallbackPrograms) },
  { rule: 'SCHED-2', programs: fc.oneof(callbackOrderPrograms, schedulingPrograms, crossQueuePrograms) },
  { rule: 'SCHED-3', programs: crossThreadPrograms },
  { rule: 'SCHED-4', programs: fc.oneof(schedulingPrograms, lifecyclePrograms, closedSchedulePrograms) },
  { rule: 'SCHED-5', programs: cancelPrograms },
] satisfies RuleProperty[];
