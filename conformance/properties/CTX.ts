import { contextPrograms } from '../arbitraries/reach-contexts.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'CTX-1', programs: contextPrograms }] satisfies RuleProperty[];
