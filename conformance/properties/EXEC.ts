import { crossThreadPrograms } from '../arbitraries/index.ts';
import { executorPrograms } from '../arbitraries/reach-executors.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'EXEC-1', programs: crossThreadPrograms },
  { rule: 'EXEC-2', programs: crossThreadPrograms },
  { rule: 'EXEC-3', programs: executorPrograms },
] satisfies RuleProperty[];
