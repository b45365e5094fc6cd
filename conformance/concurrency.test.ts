// How many drivers a default run starts: one per core for programs that never wait, more as
// the programs wait longer on timers, never more than the bound.
import { describe, expect, it } from 'vitest';
import type { Program } from '../language/program.ts';
import { defaultProfile } from '../spec/profiles.ts';
import { driversFor, MAX_DRIVERS, PROGRAM_CPU_MS, sampleOfRun } from './concurrency.ts';

const waiting = (seconds: number): Program => ({
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: seconds }] },
  ],
});
const busy: Program = { version: 1, main: [{ op: 'new_event_loop', as: 'L1' }] };

describe('drivers for a run', () => {
  it('is one per core when no program waits', () => {
    expect(driversFor([busy, busy], 2)).toBe(2);
    expect(driversFor([busy], 6)).toBe(6);
    expect(driversFor([], 3)).toBe(3);
  });

  it('grows with the mean wait against a program’s CPU, up to the bound', () => {
    // Half the programs wait 3 CPU-times: a mean of 1.5, so 2 cores want 2 x 2.5 = 5 drivers.
    const wait = (3 * PROGRAM_CPU_MS) / 1000;
    expect(driversFor([waiting(wait), busy], 2)).toBe(5);
    expect(driversFor([waiting(1)], 2)).toBe(MAX_DRIVERS);
    expect(driversFor([waiting(1)], 2, 4)).toBe(4);
  });

  it('estimates from the rules run: the whole suite waits, a rule of lookups does not', () => {
    const profile = defaultProfile();
    expect(driversFor(sampleOfRun(['POL-1'], profile, 5), 2)).toBe(2);
    expect(driversFor(sampleOfRun(['SCHED-2'], profile, 5), 2)).toBe(MAX_DRIVERS);
    expect(sampleOfRun(['GET-3', 'POL-1'], profile, 9)).toEqual(sampleOfRun(['GET-3', 'POL-1'], profile, 9));
  });
});
