/**
 * Families of programs, each biased toward one area of the spec (finding loops, policies,
 * lifecycle, scheduling, tasks, threads, fork, asyncio.run) so that its rules are reached often.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import {
  boundLoops,
  callbackBody,
  coroBody,
  delay,
  executorBody,
  FLAT,
  findingLeaf,
  flagged,
  keeps,
  mainLoop,
  prelude,
  program,
  removable,
  soup,
  st,
  tag,
} from './blocks.ts';

/** Finding loops from the main thread: policy, current loop, implicit creation. */
export const findingPrograms = soup({ ...FLAT, finding: 6, lifecycle: 1, nested: 1, scheduling: 0, tasks: 0 });

/** Finding loops with policies replaced. */
export const policyPrograms = fc
  .tuple(
    prelude,
    fc.array(
      fc.oneof(
        findingLeaf(),
        fc.constantFrom<Stmt>({ op: 'set_policy', arg: 'new' }, { op: 'set_policy', arg: null }, { op: 'set_policy', arg: 7 }),
      ),
      { minLength: 2, maxLength: 7 },
    ),
  )
  .map(([pre, body]) => program([...pre, ...body]));

/** Running, stopping, closing, nesting loops. */
export const lifecyclePrograms = soup({ ...FLAT, finding: 1, lifecycle: 4, nested: 3, scheduling: 1, tasks: 0 });

/** Callbacks and timers on one or two loops, run by run_forever with a stop scheduled. */
export const schedulingPrograms = fc
  .tuple(
    prelude,
    fc.array(
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc
            .tuple(mainLoop, callbackBody({ ...FLAT, nested: 0, lifecycle: 1 }, 0, mainLoop))
            .map(([loop, body]) => st({ op: 'call_soon', loop, body })),
        },
        {
          weight: 3,
          arbitrary: fc
            .tuple(mainLoop, delay, callbackBody({ ...FLAT, nested: 0, lifecycle: 1 }, 0, mainLoop))
            .map(([loop, d, body]) => st({ op: 'call_later', loop, delay: d, body })),
        },
        { weight: 1, arbitrary: mainLoop.map((loop) => st({ op: 'stop', loop })) },
        { weight: 1, arbitrary: mainLoop.map((loop) => st({ op: 'close', loop })) },
      ),
      { minLength: 1, maxLength: 6 },
    ),
    removable(fc.array(fc.tuple(mainLoop, fc.constantFrom('forever', 'until'), keeps(1)), { minLength: 1, maxLength: 2 })),
  )
  .map(([pre, scheduled, runs]) =>
    program([
      ...pre,
      ...scheduled,
      ...(runs ?? []).flatMap(([loop, how, flags]): Stmt[] =>
        how === 'forever'
          ? [
              { op: 'call_later', loop, delay: 0.2, body: [{ op: 'stop', loop }] },
              { op: 'run_forever', loop },
            ]
          : [{ op: 'run_until_complete', loop, body: flagged(flags)({ op: 'sleep', delay: 0.2 }) }],
      ),
    ]),
  );

/** Tasks inside asyncio.run or run_until_complete. */
export const taskPrograms = fc
  .tuple(
    prelude,
    fc.boolean(),
    coroBody({ ...FLAT, finding: 1, lifecycle: 0, nested: 0, scheduling: 1, tasks: 5 }, 2, mainLoop),
    fc.array(fc.constantFrom<Stmt>({ op: 'task_state', task: 'K1' }, { op: 'task_state', task: 'K2' }, { op: 'current_task' }), {
      maxLength: 2,
    }),
  )
  .map(([pre, viaRun, body, after]) =>
    program([...pre, viaRun ? { op: 'asyncio_run', body } : { op: 'run_until_complete', loop: 'L1', body }, ...after]),
  );

/** The seed's pattern: worker threads that each create, set, run and close a loop (each step removable). */
export const workerThreadPrograms = fc
  .tuple(
    // Each worker with its own keep-flags (its statements, then its checks in the main thread).
    removable(fc.array(fc.tuple(fc.constantFrom('T1', 'T2', 'T3'), keeps(11)), { minLength: 1, maxLength: 3 })).map((ts) => {
      const seen = new Set<string>();
      return (ts ?? []).filter(([t]) => !seen.has(t) && Boolean(seen.add(t)));
    }),
    fc.array(fc.oneof(findingLeaf(fc.constant('X')), fc.constant(st({ op: 'current_thread' }))), { maxLength: 3 }),
    fc.boolean(),
    fc.array(findingLeaf(), { maxLength: 2 }),
    fc.boolean(),
    keeps(1),
  )
  .map(([workers, inside, withFinally, mainAfter, mainFirst, [getLast]]) => {
    const only = (k: boolean, s: Stmt): Stmt[] => (k ? [s] : []);
    const names = workers.map(([t]) => t);
    const starts: Stmt[] = workers.map(([t, flags]) => {
      const [getFirst, create, set, run, running, current, getAfter, close, closed] = flags;
      const L = `${t}L`;
      const inner = inside.map((s) =>
        s.op === 'new_event_loop' ? { ...s, as: `${t}M` } : s.op === 'set_event_loop' && typeof s.arg === 'string' ? { ...s, arg: L } : s,
      );
      const body: Stmt[] = [
        ...only(getFirst, { op: 'get_event_loop' }),
        ...only(create, { op: 'new_event_loop', as: L }),
        ...only(set, { op: 'set_event_loop', arg: L }),
        ...only(run, {
          op: 'run_until_complete',
          loop: L,
          body: [...only(running, { op: 'get_running_loop' }), ...only(current, { op: 'get_event_loop' }), ...inner],
        }),
        ...only(getAfter, { op: 'get_event_loop' }),
        ...only(withFinally && close, { op: 'close', loop: L }),
        ...only(closed, { op: 'is_closed', loop: L }),
      ];
      return { op: 'start_thread', thread: t, body };
    });
    const joins: Stmt[] = names.map((t) => ({ op: 'join_thread', thread: t }));
    const checks: Stmt[] = workers.flatMap(([t, flags]) => [
      ...only(flags[9], { op: 'is_closed', loop: `${t}L` }),
      ...only(flags[10], { op: 'is_running', loop: `${t}L` }),
    ]);
    // The main thread's own loop, set before the workers start, stays its current loop.
    const own: Stmt[] = mainFirst
      ? [
          { op: 'new_event_loop', as: 'L1' },
          { op: 'set_event_loop', arg: 'L1' },
        ]
      : [];
    return program([...own, ...starts, ...joins, ...checks, ...(mainFirst ? only(getLast, { op: 'get_event_loop' }) : []), ...mainAfter]);
  });

/** Threads and executors meeting a running loop: call_soon_threadsafe, run_in_executor (scaffolding removable). */
export const crossThreadPrograms = fc
  .tuple(
    fc.constantFrom('forever', 'until'),
    fc.array(
      fc.constantFrom<Stmt>({ op: 'current_thread' }, { op: 'peek_running_loop' }, { op: 'get_event_loop' }, { op: 'get_running_loop' }),
      { maxLength: 2 },
    ),
    fc.array(
      fc.constantFrom<Stmt>({ op: 'peek_running_loop' }, { op: 'get_running_loop' }, { op: 'get_event_loop' }, { op: 'current_thread' }),
      { maxLength: 2 },
    ),
    fc.array(executorBody(), { maxLength: 2 }),
    tag,
    keeps(6),
  )
  .map(([how, inCallback, inThread, executors, t, flags]) => {
    const [create, mark, join, wakeInUntil, sleep, threadsafe] = flags;
    const keep = (k: boolean, ...s: Stmt[]): Stmt[] => (k ? s : []);
    // Without its stop, run_forever hangs: the runner leaves such a program out.
    const wake: Stmt = {
      op: 'start_thread',
      thread: 'T1',
      body: [
        ...inThread,
        ...keep(threadsafe, {
          op: 'call_soon_threadsafe',
          loop: 'L1',
          body: [...keep(mark, { op: 'mark', tag: t }), ...inCallback, ...(how === 'forever' ? [{ op: 'stop', loop: 'L1' } as Stmt] : [])],
        }),
      ],
    };
    const joinIt = keep(join, { op: 'join_thread', thread: 'T1' });
    const main: Stmt[] =
      how === 'forever'
        ? [
            ...keep(create, { op: 'new_event_loop', as: 'L1' }),
            { op: 'call_soon', loop: 'L1', body: [wake] },
            { op: 'run_forever', loop: 'L1' },
            ...joinIt,
          ]
        : [
            ...keep(create, { op: 'new_event_loop', as: 'L1' }),
            {
              op: 'run_until_complete',
              loop: 'L1',
              body: [
                ...executors.map((body): Stmt => ({ op: 'run_in_executor', body })),
                ...keep(wakeInUntil, wake),
                ...keep(sleep, { op: 'sleep', delay: 0.05 }),
                ...(wakeInUntil ? joinIt : []),
              ],
            },
          ];
    return program(main);
  });

/**
 * Forks from the main thread, inside and outside a running loop. The parent always binds a loop
 * first, creating the policy before the fork: the oracle shares the policy global with a fork
 * child, so a child that creates it would leak it to the parent (CPython 3.12.1: the parent's
 * later get_event_loop_policy() is a new policy).
 */
export const forkPrograms = fc
  .tuple(
    boundLoops,
    fc.array(findingLeaf(), { maxLength: 3 }),
    fc.array(
      fc.oneof(
        findingLeaf(fc.constant('C1')),
        mainLoop.map((loop) => st({ op: 'is_running', loop })),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    fc.boolean(),
  )
  .map(([pre, before, child, inLoop]) => {
    const fork: Stmt = { op: 'fork', body: child };
    return program([...pre, ...before, inLoop ? { op: 'run_until_complete', loop: 'L1', body: [fork] } : fork]);
  });

/** asyncio.run among the other loop-finding statements. */
export const asyncioRunPrograms = fc
  .tuple(
    prelude,
    fc.array(findingLeaf(), { maxLength: 3 }),
    coroBody({ ...FLAT, finding: 3, nested: 2, tasks: 2, lifecycle: 0, scheduling: 0 }, 1, mainLoop),
    removable(
      fc.array(fc.oneof(findingLeaf(), fc.constantFrom<Stmt>({ op: 'is_closed', loop: 'R' }, { op: 'task_state', task: 'K1' })), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    keeps(1),
  )
  .map(([pre, before, body, after, flags]) =>
    program([
      ...pre,
      ...before,
      { op: 'asyncio_run', body: [...flagged(flags)({ op: 'get_running_loop', as: 'R' }), ...body] },
      ...(after ?? []),
    ]),
  );
