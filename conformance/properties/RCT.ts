import { threadsafePrograms } from '../arbitraries/reach-threadsafe.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'RCT-1', programs: threadsafePrograms }] satisfies RuleProperty[];
