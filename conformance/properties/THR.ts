import { workerThreadPrograms } from '../arbitraries/index.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'THR-1', programs: workerThreadPrograms }] satisfies RuleProperty[];
