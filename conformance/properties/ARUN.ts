import fc from 'fast-check';
import { asyncioRunPrograms, lifecyclePrograms, taskPrograms } from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'ARUN-1', programs: fc.oneof(asyncioRunPrograms, taskPrograms) },
  { rule: 'ARUN-2', programs: fc.oneof(asyncioRunPrograms, taskPrograms) },
  { rule: 'ARUN-3', programs: fc.oneof(asyncioRunPrograms, lifecyclePrograms) },
  { rule: 'ARUN-4', programs: asyncioRunPrograms },
] satisfies RuleProperty[];
