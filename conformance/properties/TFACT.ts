import { factoryPrograms } from '../arbitraries/reach-factories.ts';
import type { RuleProperty } from './types.ts';

export default [{ rule: 'TFACT-1', programs: factoryPrograms }] satisfies RuleProperty[];
