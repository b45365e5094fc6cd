import fc from 'fast-check';
import {
  newAfterSetPrograms,
  setFlagPrograms,
  findingPrograms,
  lifecyclePrograms,
  policyPrograms,
  setThenGetPrograms,
  workerThreadPrograms,
} from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

const programs = fc.oneof(findingPrograms, policyPrograms, lifecyclePrograms, workerThreadPrograms);

export default [
  { rule: 'NEW-1', programs },
  { rule: 'NEW-2', programs: fc.oneof(findingPrograms, policyPrograms, setFlagPrograms, newAfterSetPrograms) },
  { rule: 'NEW-3', programs: fc.oneof(programs, setThenGetPrograms) },
  { rule: 'NEW-4', programs: fc.oneof(findingPrograms, policyPrograms, setFlagPrograms) },
  { rule: 'NEW-5', programs: fc.oneof(findingPrograms, policyPrograms, setFlagPrograms) },
] satisfies RuleProperty[];
