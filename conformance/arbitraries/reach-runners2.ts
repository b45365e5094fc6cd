/**
 * RUNNER-2: asyncio.Runner as a context manager, its runs' context, asyncio.run(loop_factory=).
 * Three shapes. `with R as W` (RUNNER-2.1): the body looks up the thread's loop before any run
 * (__enter__ initialized R), runs through W, leaves a task pending at a sleep(30) and sometimes raises; after
 * the block, the task close cancelled, the loop it closed, the thread's current loop, and a
 * second `with R` and a run on the closed R. The runs' context (RUNNER-2.2): sets of the main
 * thread before and after R's initialization, a set in one run read by the next, a task made in
 * a run, run(context=C). asyncio.run(loop_factory=) (RUNNER-2.3): the loop set before it (or
 * none), the lookups inside and after it, its loop closed.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program } from './blocks.ts';

/**
 * K: a sleep no run waits for (__exit__'s close cancels it there, RUNNER-1.3), never a sleep(0):
 * a cancel at a sleep(0) has TASK-5.2 as condition, which a mutant of __exit__ would fail too.
 */
const leftover: Stmt = {
  op: 'create_task',
  as: 'K',
  body: [
    { op: 'sleep', delay: 30 },
    { op: 'mark', tag: 'k' },
    { op: 'return', value: 7 },
  ],
};

/** `with R as W:` and what a closed R does after it (RUNNER-2.1). */
export const runnerWithPrograms = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), keeps(15)).map(([factory, getLoop, raises, flags]) => {
  const keep = flagged(flags);
  return program([
    { op: 'runner_new', as: 'R', ...(factory ? { loop_factory: true } : {}) },
    {
      op: 'runner_with',
      runner: 'R',
      as: 'W',
      body: [
        ...(factory ? [] : keep({ op: 'get_event_loop' })),
        ...(getLoop ? keep({ op: 'runner_get_loop', runner: 'W', as: 'L' }) : []),
        ...keep({
          op: 'runner_run',
          runner: 'W',
          body: [...keep({ op: 'get_running_loop', as: 'L' }), ...keep(leftover), { op: 'return', value: 1 }],
        }),
        ...keep({ op: 'task_state', task: 'K' }),
        ...(raises ? [{ op: 'raise', message: 'boom' } as Stmt] : keep({ op: 'return', value: 2 })),
      ],
    },
    ...keep({ op: 'task_state', task: 'K' }),
    ...keep({ op: 'is_closed', loop: 'L' }),
    ...(factory ? [] : keep({ op: 'get_event_loop' })),
    ...keep({ op: 'runner_with', runner: 'R', body: [{ op: 'mark', tag: 'a' }] }),
    ...keep({ op: 'runner_run', runner: 'R', body: [{ op: 'mark', tag: 'b' }] }),
  ]);
});

/** The runs' context (RUNNER-2.2). */
export const runnerContextPrograms = fc
  .tuple(fc.boolean(), fc.boolean(), fc.boolean(), keeps(14))
  .map(([factory, initFirst, withC, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'ctx_set', value: 1 }),
      { op: 'runner_new', as: 'R', ...(factory ? { loop_factory: true } : {}) },
      ...(initFirst ? keep({ op: 'runner_get_loop', runner: 'R' }) : []),
      ...keep({ op: 'ctx_set', value: 2 }),
      ...(withC ? keep({ op: 'copy_context', as: 'C' }) : []),
      {
        op: 'runner_run',
        runner: 'R',
        body: [
          ...keep({ op: 'ctx_get' }),
          { op: 'ctx_set', value: 7 },
          ...keep({ op: 'create_task', as: 'K', body: [{ op: 'ctx_get' }, { op: 'ctx_set', value: 8 }] }),
          ...keep({ op: 'sleep', delay: 0 }),
        ],
      },
      ...keep({ op: 'ctx_get' }),
      ...keep({ op: 'runner_run', runner: 'R', body: [{ op: 'ctx_get' }, { op: 'return', value: 3 }] }),
      ...(withC
        ? keep({
            op: 'runner_run',
            runner: 'R',
            context: 'C',
            body: [{ op: 'ctx_get' }, { op: 'ctx_set', value: 9 }],
          })
        : []),
      ...keep({ op: 'runner_run', runner: 'R', body: [{ op: 'ctx_get' }] }),
      ...keep({ op: 'ctx_get' }),
      { op: 'runner_close', runner: 'R' },
    ]);
  });

/** asyncio.run(loop_factory=) (RUNNER-2.3). */
export const runFactoryPrograms = fc.tuple(fc.boolean(), keeps(9)).map(([setFirst, flags]) => {
  const keep = flagged(flags);
  return program([
    // The loop set before stays current (kept, not removable: without it the lookup after is an implicit creation, GET-3's and NEW-1's).
    ...(setFirst ? [{ op: 'new_event_loop', as: 'L0' } as Stmt, { op: 'set_event_loop', arg: 'L0' } as Stmt] : []),
    {
      op: 'asyncio_run',
      loop_factory: true,
      body: [
        ...keep({ op: 'get_running_loop', as: 'L' }),
        ...keep({ op: 'get_event_loop' }),
        ...keep({ op: 'sleep', delay: 0 }),
        ...keep({ op: 'return', value: 5 }),
      ],
    },
    // Only where a loop was set: an implicit creation after it would be GET-3's (and NEW-1's) loop.
    ...(setFirst ? keep({ op: 'get_event_loop' }) : []),
    ...keep({ op: 'is_closed', loop: 'L' }),
    ...(setFirst ? [{ op: 'close', loop: 'L0' } as Stmt] : []),
  ]);
});

/** Every shape of RUNNER-2. */
export const runner2Programs = fc.oneof(
  { weight: 2, arbitrary: runnerWithPrograms },
  { weight: 2, arbitrary: runnerContextPrograms },
  { weight: 2, arbitrary: runFactoryPrograms },
);
