/** Registry order (spec/rules.ts), so every rule list the gate prints reads like the spec. */
import { RULES } from '../../spec/rules.ts';

const position = new Map(RULES.map((r, i) => [r.id, i]));

/** Rules of the registry first, in its order; any others (a newer tool's) after, by ID. */
export function byRegistryOrder(a: string, b: string): number {
  const pa = position.get(a) ?? Infinity;
  const pb = position.get(b) ?? Infinity;
  return pa !== pb ? pa - pb : a < b ? -1 : a > b ? 1 : 0;
}
