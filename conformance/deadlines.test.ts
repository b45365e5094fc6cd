// Deadlines from the program: a floor, its sleeps and timers three times over, a share per
// process or thread it starts, the pace of the run, never past the cap.
import { describe, expect, it } from 'vitest';
import type { Program } from '../language/program.ts';
import { belowCap, DEFAULT_DEADLINE_FLOOR_MS, deadlineMs, noteRun, Pace, virtualSeconds } from './deadlines.ts';

const sleepy: Program = {
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'call_later', loop: 'L1', delay: 0.2, body: [{ op: 'stop', loop: 'L1' }] },
    { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0.05 }] },
  ],
};
const forks: Program = {
  version: 1,
  main: [
    { op: 'start_thread', thread: 'T1', body: [{ op: 'fork', body: [{ op: 'get_event_loop' }] }] },
    { op: 'join_thread', thread: 'T1' },
  ],
};

describe('deadlines', () => {
  it('sums every delay, nested ones too', () => {
    expect(virtualSeconds(sleepy)).toBeCloseTo(0.25);
    expect(virtualSeconds(forks)).toBe(0);
  });

  it('is the floor plus 3x the delays plus a share per fork and thread, capped', () => {
    expect(deadlineMs(sleepy)).toBe(DEFAULT_DEADLINE_FLOOR_MS + 750);
    expect(deadlineMs(forks)).toBe(DEFAULT_DEADLINE_FLOOR_MS + 250 + 50);
    expect(deadlineMs(sleepy, { floorMs: 200 })).toBe(950);
    expect(deadlineMs(sleepy, { capMs: 1200 })).toBe(1200);
    expect(deadlineMs(sleepy, { stretch: 2 })).toBe(2 * (DEFAULT_DEADLINE_FLOOR_MS + 750));
    expect(belowCap(sleepy, { capMs: 1200 })).toBe(false);
    expect(belowCap(sleepy, { capMs: 10_000 })).toBe(true);
  });

  it('stretches later deadlines when a finished program used over half of its own', () => {
    const o = { pace: new Pace() };
    const d = deadlineMs(sleepy, o);
    noteRun(o, d, d / 4);
    expect(deadlineMs(sleepy, o)).toBe(d); // a quarter used: nothing changes
    noteRun(o, d, (d * 3) / 4);
    expect(deadlineMs(sleepy, o)).toBe(Math.ceil(d * 1.5)); // three quarters: now it would have used half
  });
});
