// SCHED-1.2's back-to-back pairs (ordering.ts): where tasks slept(0), SCHED-1.2's order groups
// have the round robin (TASK-5.2) as their condition; two callbacks queued back to back do not.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../../language/trace.ts';
import { numberProgram } from '../../language/program.ts';
import type { Expectation } from '../predictions.ts';
import { checker } from '../predictions.ts';
import { predict } from './oracle.ts';

const marked = (tag: string) => ({ op: 'call_soon' as const, loop: 'L1', body: [{ op: 'mark' as const, tag }] });
const program = numberProgram({
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0 }, marked('a'), marked('b'), { op: 'sleep', delay: 0 }] },
  ],
});
// s1 new_event_loop, s2 run, s3 sleep, s4 call_soon, s5 mark a, s6 call_soon, s7 mark b, s8 sleep.
const pairs = (xs: Expectation[]) => xs.filter((x) => x.kind === 'order' && x.backToBack);

describe('SCHED-1.2: callbacks queued back to back', () => {
  const prediction = predict(program);

  it('are ordered without a condition where tasks slept(0), and the group keeps the round robin as its condition', () => {
    expect(pairs(prediction.expectations)).toEqual([
      { rule: 'SCHED-1', clause: 'SCHED-1.2', kind: 'order', context: 'main', expected: ['s5', 's7'], backToBack: true },
    ]);
    expect(prediction.expectations.some((x) => x.kind === 'order' && x.clause === 'TASK-5.2' && x.condition)).toBe(true);
  });

  it('hold if only one ran, and break where both ran the other way round', () => {
    const [pair] = pairs(prediction.expectations);
    const order = (ids: string[]): Trace => ({ ...prediction.trace, order: { main: ids } });
    const judged = (ids: string[]) => checker(prediction.trace, order(ids))(pair);
    expect(judged(['s1', 's2', 's3', 's4', 's6', 's8', 's5', 's7'])).toBeUndefined();
    expect(judged(['s1', 's2', 's3', 's4', 's6', 's8', 's7'])).toBeUndefined();
    expect(judged(['s1', 's2', 's3', 's4', 's6', 's8', 's7', 's5'])).toMatchObject({
      expected: 'main: s5 < s7 (if both run)',
      actual: 'main: s7 < s5',
    });
  });
});
