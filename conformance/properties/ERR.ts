import { errorPrograms } from '../arbitraries/reach-errors.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'ERR-1', programs: errorPrograms }] satisfies RuleProperty[];
