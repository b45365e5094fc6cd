/**
 * Deadlines from the program: how long a program may take before its run counts as stuck.
 *
 * A program's only waits are its sleeps and timers (`sleep`, `call_later`): the language has
 * no loops and runs each statement at most once per process, so the sum of every delay in it
 * bounds the virtual time the oracle's run takes. A program gets that, times a margin, plus a
 * floor for what is not virtual time (a process or a fork to start, the interpreter's own
 * work), and never more than the user's `--timeout`. A hang then costs about the floor
 * instead of the whole `--timeout`.
 */
import type { Program } from '../language/program.ts';
import { walk } from '../language/program.ts';

/** What a program gets besides its virtual time (ms): starting a process, the interpreter's work. */
export const DEFAULT_DEADLINE_FLOOR_MS = 1000;
/** Real time per second of virtual time: sleeps overshoot, and threads share the machine. */
const MARGIN = 3;

export interface DeadlineOptions {
  /** The floor, ms (`--deadline-floor`). */
  floorMs?: number;
  /** The cap: the user's `--timeout`, ms. */
  capMs?: number;
}

/** Seconds of virtual time the program's sleeps and timers add up to, at most. */
export function virtualSeconds(program: Program): number {
  let total = 0;
  for (const s of walk(program.main)) if (s.op === 'sleep' || s.op === 'call_later') total += Math.max(0, s.delay);
  return total;
}

/** The deadline (ms) for one run of the program. */
export function deadlineMs(program: Program, o: DeadlineOptions = {}): number {
  const own = (o.floorMs ?? DEFAULT_DEADLINE_FLOOR_MS) + Math.ceil(virtualSeconds(program) * 1000 * MARGIN);
  return o.capMs === undefined ? own : Math.min(own, o.capMs);
}
