import { crossThreadPrograms } from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'EXEC-1', programs: crossThreadPrograms },
  { rule: 'EXEC-2', programs: crossThreadPrograms },
] satisfies RuleProperty[];
