import { namePrograms } from '../arbitraries/reach-names.ts';
import type { RuleProperty } from './types.ts';

/** TASK-6 (task names): its own module, beside TASK.ts's TASK-1 to TASK-5. */
export default [{ rule: 'TASK-6', programs: namePrograms }] satisfies RuleProperty[];
