import { workerThreadPrograms } from '../arbitraries.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'THR-1', programs: workerThreadPrograms }] satisfies RuleProperty[];
