import { describe, expect, it } from 'vitest';
import { proven } from './check.ts';
import type { Expectation, Mismatch } from './predictions.ts';
import { tag } from './predictions.ts';

const outcome = (clause: string, stmt: string, condition = false): Mismatch => {
  const expectation: Expectation = {
    ...tag(clause),
    ...(condition ? { condition: true as const } : {}),
    kind: 'outcome',
    stmt,
    expected: { value: 1 },
  };
  return { expectation, actual: '2', expected: '1' };
};

describe('proven: a condition whose rule breaks plainly takes the observation it conditions', () => {
  it('drops a deciding mismatch explained by another rule that breaks plainly', () => {
    // TASK-5.2 breaks plainly at s2 and conditions s1, where RCT-1 decides: s1 is TASK-5.2's.
    const first = [outcome('RCT-1.1', 's1'), outcome('TASK-5.2', 's1', true), outcome('TASK-5.2', 's2')];
    expect(proven(first, first).map((m) => m.expectation.clause)).toEqual(['TASK-5.2', 'TASK-5.2']);
  });

  it('keeps both deciding mismatches where two rules condition each other’s observation', () => {
    const first = [outcome('RCT-1.1', 's1'), outcome('TASK-5.2', 's1', true), outcome('TASK-5.2', 's2'), outcome('RCT-1.1', 's2', true)];
    expect(proven(first, first)).toEqual(first);
  });
});
