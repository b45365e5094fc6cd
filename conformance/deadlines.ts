/**
 * Deadlines from the program: how long a program may take before its run counts as stuck.
 *
 * A program's only waits are its sleeps and timers (`sleep`, `call_later`): the language has
 * no loops and runs each statement at most once per process, so the sum of every delay in it
 * bounds the virtual time the oracle's run takes. A program gets that, times a margin, plus a
 * floor for what is not virtual time (a process to start, the interpreter's own work) and a
 * share per process or thread it starts, and never more than the user's `--timeout`. A hang
 * then costs about the floor instead of the whole `--timeout`.
 *
 * Soundness comes first: a slow machine must not turn a conforming program into a hang. The
 * pace grows when a program that finished used more than half its deadline (to what it
 * needed, twice over), and the runner
 * confirms a stuck verdict with a longer deadline before it stands (runner.ts).
 */
import type { Program } from '../language/program.ts';
import { walk } from '../language/program.ts';

/** What a program gets besides its virtual time (ms): starting a process, the interpreter's work. */
export const DEFAULT_DEADLINE_FLOOR_MS = 1000;
/** Real time per second of virtual time: sleeps overshoot, and threads share the machine. */
const MARGIN = 3;
/** Each fork: a process to copy and wait for (ms). */
const FORK_MS = 250;
/** Each thread, executor job or asyncio.run (a loop, an executor to shut down), ms. */
const THREAD_MS = 50;

/** How much slower than the floor assumes the implementation runs on this machine, for one run of the suite. */
export class Pace {
  factor = 1;
}

export interface DeadlineOptions {
  /** The floor, ms (`--deadline-floor`). */
  floorMs?: number;
  /** The cap: the user's `--timeout`, ms. */
  capMs?: number;
  /** Shared by every program of a run: grows on slow programs (`noteRun`). */
  pace?: Pace;
  /** A multiple of the deadline: confirming that a stuck run is stuck. */
  stretch?: number;
}

/** Seconds of virtual time the program's sleeps and timers add up to, at most. */
export function virtualSeconds(program: Program): number {
  let total = 0;
  for (const s of walk(program.main)) if (s.op === 'sleep' || s.op === 'call_later' || s.op === 'call_at') total += Math.max(0, s.delay);
  return total;
}

/** The deadline (ms) for one run of the program. */
export function deadlineMs(program: Program, o: DeadlineOptions = {}): number {
  let extra = 0;
  for (const s of walk(program.main))
    if (s.op === 'fork') extra += FORK_MS;
    else if (s.op === 'start_thread' || s.op === 'run_in_executor' || s.op === 'asyncio_run' || s.op === 'shutdown_default_executor')
      extra += THREAD_MS;
  const base = (o.floorMs ?? DEFAULT_DEADLINE_FLOOR_MS) + extra + Math.ceil(virtualSeconds(program) * 1000 * MARGIN);
  const own = Math.ceil(base * (o.pace?.factor ?? 1) * (o.stretch ?? 1));
  return o.capMs === undefined ? own : Math.min(own, o.capMs);
}

/** Whether the deadline was shorter than the cap: a stuck run under it may only be slow. */
export function belowCap(program: Program, o: DeadlineOptions): boolean {
  return o.capMs === undefined || deadlineMs(program, o) < o.capMs;
}

/**
 * After a run that was not stuck: one that used over half its deadline stretches every later
 * deadline so that it would have used half (in proportion, so that a loaded machine settles
 * at the pace it needs rather than doubling on every slow program).
 */
export function noteRun(o: DeadlineOptions, deadline: number, tookMs: number): void {
  if (o.pace && tookMs > deadline / 2) o.pace.factor *= (2 * tookMs) / deadline;
}
