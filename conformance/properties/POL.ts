import fc from 'fast-check';
import { forkPrograms, policyIdentityPrograms, policyPrograms, workerThreadPrograms } from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'POL-1', programs: fc.oneof(policyPrograms, workerThreadPrograms, forkPrograms, policyIdentityPrograms) },
  { rule: 'POL-2', programs: fc.oneof(policyPrograms, policyIdentityPrograms) },
] satisfies RuleProperty[];
