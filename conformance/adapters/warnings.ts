/** The warnings a statement itself raises, as the Python driver collects them. */
import type { PyWarning, Runtime, YieldItem } from '../../reference/index.ts';
import { normalizeWarning } from './values.ts';

/**
 * Runs `gen` with a warnings sink collecting into `into`, uninstalling it while the
 * coroutine is suspended (other statements run meanwhile).
 */
export function* withWarnings<T>(rt: Runtime, gen: Generator<YieldItem, T, unknown>, into: PyWarning[]): Generator<YieldItem, T, unknown> {
  const w = rt.warnings;
  let input: { value: unknown } | { error: unknown } = { value: undefined };
  for (;;) {
    const saved = w.sink;
    w.sink = (x) => into.push(normalizeWarning(x));
    let r: IteratorResult<YieldItem, T>;
    try {
      r = 'error' in input ? gen.throw(input.error) : gen.next(input.value);
    } finally {
      w.sink = saved;
    }
    if (r.done) return r.value;
    try {
      input = { value: yield r.value };
    } catch (error) {
      input = { error };
    }
  }
}
