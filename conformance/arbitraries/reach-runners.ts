/**
 * RUNNER-1: asyncio.Runner. Two shapes. Runs on one runner (RUNNER-1.1): get_loop, two runs
 * that find R's loop running and leave a task pending for the next run, what the thread's
 * current loop is between runs and after close (RUNNER-1.2, with loop_factory or not), the task
 * close cancels and the loop it closes (RUNNER-1.3), then close again, run and get_loop on the
 * closed runner (RUNNER-1.4). Refusals: a close before any use (the runner stays usable), a
 * run from inside a running loop (asyncio.run's coroutine).
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program } from './blocks.ts';

const run = (body: Stmt[]): Stmt => ({ op: 'runner_run', runner: 'R', body });
/** K: a few sleep(0), then, when `long`, a sleep no run waits for (close cancels it there, RUNNER-1.3). */
const leftover = (steps: number, long: boolean): Stmt => ({
  op: 'create_task',
  as: 'K',
  body: [
    ...Array.from({ length: steps }, (): Stmt => ({ op: 'sleep', delay: 0 })),
    ...(long ? [{ op: 'sleep', delay: 30 } as Stmt] : []),
    { op: 'mark', tag: 'k' },
    { op: 'return', value: 7 },
  ],
});

/** Runs on one runner, then its close and what a closed runner does. */
export const runnerRunsPrograms = fc
  .tuple(fc.boolean(), fc.boolean(), fc.nat(2), fc.boolean(), fc.constantFrom<'return' | 'raise'>('return', 'return', 'raise'), keeps(14))
  .map(([factory, getLoopFirst, steps, long, end, flags]) => {
    const keep = flagged(flags);
    const last: Stmt = end === 'return' ? { op: 'return', value: 1 } : { op: 'raise', message: 'boom' };
    return program([
      { op: 'runner_new', as: 'R', ...(factory ? { loop_factory: true } : {}) },
      ...(getLoopFirst ? keep({ op: 'runner_get_loop', runner: 'R', as: 'L' }) : []),
      run([{ op: 'get_running_loop', as: 'L' }, ...keep(leftover(steps, long)), last]),
      ...keep({ op: 'is_running', loop: 'L' }),
      ...keep({ op: 'get_event_loop' }),
      ...keep(run([{ op: 'get_running_loop' }, { op: 'sleep', delay: 0 }, { op: 'return', value: 2 }])),
      ...keep({ op: 'runner_get_loop', runner: 'R' }),
      ...keep({ op: 'task_state', task: 'K' }),
      { op: 'runner_close', runner: 'R' },
      ...keep({ op: 'task_state', task: 'K' }),
      ...keep({ op: 'is_closed', loop: 'L' }),
      ...keep({ op: 'get_event_loop' }),
      ...keep({ op: 'runner_close', runner: 'R' }),
      ...keep(run([{ op: 'mark', tag: 'a' }])),
      ...keep({ op: 'runner_get_loop', runner: 'R' }),
    ]);
  });

/** A close before any use, and a run from inside a running loop. */
export const runnerRefusalPrograms = fc.tuple(fc.boolean(), keeps(6)).map(([inRun, flags]) => {
  const keep = flagged(flags);
  return program([
    { op: 'runner_new', as: 'R' },
    ...keep({ op: 'runner_close', runner: 'R' }),
    ...(inRun ? keep({ op: 'asyncio_run', body: [run([{ op: 'mark', tag: 'b' }]), { op: 'return', value: 3 }] }) : []),
    ...keep(
      run([
        { op: 'get_running_loop', as: 'L' },
        { op: 'return', value: 4 },
      ]),
    ),
    ...keep({ op: 'get_event_loop' }),
    ...keep({ op: 'runner_close', runner: 'R' }),
    ...keep({ op: 'is_closed', loop: 'L' }),
  ]);
});

/** Every shape of RUNNER-1. */
export const runnerPrograms = fc.oneof({ weight: 3, arbitrary: runnerRunsPrograms }, { weight: 2, arbitrary: runnerRefusalPrograms });
