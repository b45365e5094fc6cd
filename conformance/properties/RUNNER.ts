import { runnerPrograms } from '../arbitraries/reach-runners.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'RUNNER-1', programs: runnerPrograms }] satisfies RuleProperty[];
