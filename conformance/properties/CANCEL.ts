import { cancelPrograms } from '../arbitraries/reach-cancel.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'CANCEL-1', programs: cancelPrograms }] satisfies RuleProperty[];
