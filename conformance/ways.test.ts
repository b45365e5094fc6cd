// How a mismatch is broken, as blame compares two finds of one rule (blame.ts `explains`).
import { describe, expect, it } from 'vitest';
import type { Mismatch } from './predictions.ts';
import { tag } from './predictions.ts';
import { brokenAs } from './ways.ts';

const cancelled = { error: { type: 'CancelledError', message: '' } };
const atSleep = (got: string): Mismatch => ({
  expectation: { ...tag('RCT-1.3'), kind: 'outcome', stmt: 's4', expected: cancelled },
  expected: 'CancelledError("")',
  actual: got,
  got,
});

describe('brokenAs', () => {
  it('takes a value returned and a statement in flight at the end for one mistake where it should raise', () => {
    // A cancel not forwarded: sleep(0) returns None, sleep(30) is still pending when the loop stops.
    expect(brokenAs(atSleep('value'))).toBe(brokenAs(atSleep('missing, in flight')));
  });

  it('keeps a statement never started, and another error, apart from it', () => {
    expect(brokenAs(atSleep('missing'))).not.toBe(brokenAs(atSleep('value')));
    expect(brokenAs(atSleep('error RuntimeError'))).not.toBe(brokenAs(atSleep('value')));
  });
});
