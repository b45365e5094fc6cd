import { errorPrograms } from '../arbitraries/reach-errors.ts';
import { escapePrograms } from '../arbitraries/reach-escapes.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'ERR-1', programs: errorPrograms },
  { rule: 'ERR-2', programs: escapePrograms },
] satisfies RuleProperty[];
