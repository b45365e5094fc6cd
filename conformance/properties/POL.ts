import fc from 'fast-check';
import { forkPrograms, policyPrograms, workerThreadPrograms } from '../arbitraries.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'POL-1', programs: fc.oneof(policyPrograms, workerThreadPrograms, forkPrograms) },
  { rule: 'POL-2', programs: policyPrograms },
] satisfies RuleProperty[];
