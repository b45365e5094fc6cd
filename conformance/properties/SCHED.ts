import fc from 'fast-check';
import { callbackOrderPrograms, crossThreadPrograms, lifecyclePrograms, schedulingPrograms } from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'SCHED-1', programs: fc.oneof(callbackOrderPrograms, schedulingPrograms) },
  { rule: 'SCHED-2', programs: fc.oneof(callbackOrderPrograms, schedulingPrograms) },
  { rule: 'SCHED-3', programs: crossThreadPrograms },
  { rule: 'SCHED-4', programs: fc.oneof(schedulingPrograms, lifecyclePrograms) },
] satisfies RuleProperty[];
