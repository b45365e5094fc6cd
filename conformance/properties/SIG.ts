import { signalCallPrograms, signalDeliveryPrograms } from '../arbitraries/reach-signals.ts';
import type { RuleProperty } from './types.ts';

export default [
  { rule: 'SIG-1', programs: signalCallPrograms },
  { rule: 'SIG-2', programs: signalDeliveryPrograms },
] satisfies RuleProperty[];
