import { forkPrograms } from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'FORK-1', programs: forkPrograms },
  { rule: 'FORK-2', programs: forkPrograms },
] satisfies RuleProperty[];
