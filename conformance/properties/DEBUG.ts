import { debugPrograms } from '../arbitraries/reach-debug.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'DEBUG-1', programs: debugPrograms }] satisfies RuleProperty[];
