import { futurePrograms } from '../arbitraries/reach-futures.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'FUT-1', programs: futurePrograms }] satisfies RuleProperty[];
