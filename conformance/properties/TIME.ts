import { timePrograms } from '../arbitraries/reach-time.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'TIME-1', programs: timePrograms }] satisfies RuleProperty[];
