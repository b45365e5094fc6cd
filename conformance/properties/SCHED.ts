import fc from 'fast-check';
import { callbackOrderPrograms, crossThreadPrograms, lifecyclePrograms, schedulingPrograms } from '../arbitraries/index.ts';
import {
  cancelPrograms,
  closedSchedulePrograms,
  crossQueuePrograms,
  foreignCallbackPrograms,
  timerHeapPrograms,
} from '../arbitraries/reach-scheduling.ts';
import { plainThreadOfferPrograms } from '../arbitraries/reach-debug.ts';
import type { RuleProperty } from './types.ts';

export default [
  {
    rule: 'SCHED-1',
    // The thread offers reach SCHED-1.1 and 1.2 only: a smaller share, so that SCHED-1.3 keeps its census.
    programs: fc.oneof(
      ...[callbackOrderPrograms, schedulingPrograms, crossQueuePrograms, foreignCallbackPrograms].map((arbitrary) => ({
        arbitrary,
        weight: 3,
      })),
      { arbitrary: plainThreadOfferPrograms, weight: 1 },
    ),
  },
  { rule: 'SCHED-2', programs: fc.oneof(callbackOrderPrograms, schedulingPrograms, crossQueuePrograms, timerHeapPrograms) },
  { rule: 'SCHED-3', programs: crossThreadPrograms },
  { rule: 'SCHED-4', programs: fc.oneof(schedulingPrograms, lifecyclePrograms, closedSchedulePrograms) },
  { rule: 'SCHED-5', programs: cancelPrograms },
] satisfies RuleProperty[];
