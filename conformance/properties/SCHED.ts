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
  {
    rule: 'SCHED-2',
    // The cross-queue offers twice: a timer tied with the iteration its loop stops in is out of
    // the model (real time), which costs SCHED-2.3 some of its programs.
    programs: fc.oneof(
      { arbitrary: callbackOrderPrograms, weight: 1 },
      { arbitrary: schedulingPrograms, weight: 1 },
      { arbitrary: crossQueuePrograms, weight: 2 },
      { arbitrary: timerHeapPrograms, weight: 1 },
    ),
  },
  { rule: 'SCHED-3', programs: crossThreadPrograms },
  { rule: 'SCHED-4', programs: fc.oneof(schedulingPrograms, lifecyclePrograms, closedSchedulePrograms) },
  { rule: 'SCHED-5', programs: cancelPrograms },
] satisfies RuleProperty[];
