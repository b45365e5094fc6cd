import { agenPrograms } from '../arbitraries/reach-agens.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'AGEN-1', programs: agenPrograms }] satisfies RuleProperty[];
