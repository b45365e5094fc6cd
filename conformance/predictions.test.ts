import { describe, expect, it } from 'vitest';
import type { Trace } from '../language/trace.ts';
import { anchorOf, checker, firstSeen, tag } from './predictions.ts';

const loop = (id: string) => ({ value: { obj: 'loop' as const, id } });
const obs = (outcome: ReturnType<typeof loop>) => ({ outcome, warnings: [] });

// One context runs s1, then s3, then s2: s2 is numbered before s3 but starts after it (as a
// generator's finally, numbered before asyncio.run's body, runs after it).
const predicted: Trace = {
  obs: { s1: obs(loop('L1')), s2: obs(loop('L3')), s3: obs(loop('L2')) },
  order: { main: ['s1', 's3', 's2'] },
  end: { kind: 'ok' },
};

describe('identity anchors follow start order', () => {
  it('a new object must differ from every object first shown by a statement that started before it', () => {
    const first = firstSeen(predicted);
    expect(anchorOf('s2', { obj: 'loop', id: 'L3' }, first)).toEqual({ kind: 'loop', newNot: ['s1', 's3'] });
    expect(anchorOf('s3', { obj: 'loop', id: 'L2' }, first)).toEqual({ kind: 'loop', newNot: ['s1'] });
  });

  it('an implementation returning s3’s object again at s2 fails the new-object expectation', () => {
    const actual: Trace = { ...predicted, obs: { ...predicted.obs, s2: obs(loop('L2')) } };
    const check = checker(predicted, actual);
    const x = { ...tag('NEW-2.1'), kind: 'outcome' as const, stmt: 's2', expected: loop('L3') };
    expect(check(x)).toBeDefined();
    expect(check({ ...x, stmt: 's3', expected: loop('L2') })).toBeUndefined();
    expect(checker(predicted, predicted)(x)).toBeUndefined();
  });
});
