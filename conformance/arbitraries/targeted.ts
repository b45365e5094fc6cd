/**
 * Targeted families: each makes one rule's situation common (a loop set then asked for, a
 * closed loop run, a task's first step, timers with distinct deadlines, ...), where the broad
 * families reach it too rarely for a broken implementation to be caught reliably. Their fixed
 * statements are removable (blocks.ts): a shrunk counterexample keeps the ones its failure needs.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import {
  delay,
  ending,
  findingLeaf,
  flagged,
  keeps,
  lifecycleLeaf,
  mainLoop,
  markStmt,
  prelude,
  program,
  removable,
  seq,
  st,
  tag,
} from './blocks.ts';
import { lifecyclePrograms } from './families.ts';

const anyFinding = fc.array(findingLeaf(), { maxLength: 3 });

/**
 * A loop is set (sometimes twice, sometimes after an implicit creation), other statements
 * happen, sometimes the loop is closed, then the current loop is asked for.
 */
export const setThenGetPrograms = fc
  .tuple(prelude, anyFinding, fc.boolean(), mainLoop, fc.option(mainLoop), anyFinding, fc.boolean(), keeps(3))
  .map(([pre, before, implicitFirst, loop, again, between, closeIt, flags]) => {
    const keep = flagged(flags);
    return program([
      ...pre,
      ...before,
      ...(implicitFirst ? [{ op: 'get_event_loop', as: 'L3' } as Stmt] : []),
      ...keep({ op: 'set_event_loop', arg: loop }),
      ...(again ? [{ op: 'set_event_loop', arg: again } as Stmt] : []),
      ...between,
      ...(closeIt ? [{ op: 'close', loop: again ?? loop } as Stmt] : []),
      ...keep({ op: 'get_event_loop' }),
      ...keep({ op: 'get_event_loop' }),
    ]);
  });

/** The implicitly created loop is closed, then asked for again: it is not re-created. */
export const closedImplicitPrograms = seq(prelude, { op: 'get_event_loop', as: 'L3' }, { op: 'close', loop: 'L3' }, anyFinding, {
  op: 'get_event_loop',
}).map(program);

/** A task is created and its creator goes on: the task's first step comes after. */
export const taskStartPrograms = fc
  .tuple(
    fc.boolean(),
    fc.array(markStmt, { minLength: 1, maxLength: 3 }),
    fc.array(fc.oneof(markStmt, fc.constant(st({ op: 'sleep', delay: 0 }))), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    keeps(2),
  )
  .map(([viaRun, taskBody, creatorRest, awaitIt, flags]) => {
    const keep = flagged(flags);
    const body: Stmt[] = [
      ...keep({ op: 'create_task', as: 'K1', body: taskBody }),
      ...creatorRest,
      ...(awaitIt ? [{ op: 'await', task: 'K1' } as Stmt] : []),
    ];
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      viaRun ? { op: 'asyncio_run', body } : { op: 'run_until_complete', loop: 'L1', body },
    ]);
  });

/** A task that fails is awaited more than once, and its state read. */
export const awaitTwicePrograms = fc
  .tuple(fc.oneof(ending, fc.constant(st({ op: 'raise', message: 'boom' }))), fc.integer({ min: 2, max: 3 }), keeps(7))
  .map(([end, times, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'create_task', as: 'K1', body: [...keep({ op: 'sleep', delay: 0 }), ...keep(end)] },
          ...Array.from({ length: times }, (): Stmt[] => keep({ op: 'await', task: 'K1' })).flat(),
          ...keep({ op: 'task_state', task: 'K1' }),
        ],
      },
    ]);
  });

/** The policy's identity around what might replace it: a fork, a thread, set_event_loop_policy. */
export const policyIdentityPrograms = fc
  .tuple(fc.constantFrom('fork', 'thread', 'none', 'new'), anyFinding, keeps(4))
  .map(([between, extra, flags]) => {
    const keep = flagged(flags);
    const middle: Stmt[] =
      between === 'fork'
        ? [{ op: 'fork', body: [...keep({ op: 'get_policy' }), ...keep({ op: 'get_event_loop' })] }]
        : between === 'thread'
          ? [
              { op: 'start_thread', thread: 'T1', body: keep({ op: 'get_policy' }) },
              { op: 'join_thread', thread: 'T1' },
            ]
          : keep({ op: 'set_policy', arg: between === 'none' ? null : 'new' });
    // Before a fork the policy exists (see forkPrograms): the first get_policy stays.
    const first: Stmt = { op: 'get_policy' };
    return program([
      ...(between === 'fork' ? [first] : keep(first)),
      ...extra,
      ...middle,
      ...keep({ op: 'get_policy' }),
      ...keep({ op: 'get_policy' }),
    ]);
  });

/** get_event_loop inside a running loop that is not the thread's current loop. */
export const runningNotCurrentPrograms = fc.tuple(fc.boolean(), anyFinding, keeps(7)).map(([viaCallback, inside, flags]) => {
  const keep = flagged(flags);
  const look: Stmt[] = [...keep({ op: 'get_event_loop' }), ...inside, ...keep({ op: 'get_event_loop' })];
  return program([
    ...keep({ op: 'new_event_loop', as: 'L1' }),
    ...keep({ op: 'new_event_loop', as: 'L2' }),
    ...keep({ op: 'set_event_loop', arg: 'L2' }),
    viaCallback
      ? { op: 'call_soon', loop: 'L1', body: [...keep({ op: 'mark', tag: 'a' }), ...look, { op: 'stop', loop: 'L1' }] }
      : { op: 'run_until_complete', loop: 'L1', body: look },
    ...(viaCallback ? [{ op: 'run_forever', loop: 'L1' } as Stmt] : []),
    ...keep({ op: 'get_event_loop' }),
  ]);
});

/** A loop closed twice, or closed while it runs, then asked about. */
export const closeTwicePrograms = fc
  .tuple(mainLoop, fc.boolean(), fc.array(lifecycleLeaf(mainLoop), { maxLength: 3 }), keeps(7))
  .map(([loop, inside, between, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...(inside
        ? [{ op: 'run_until_complete', loop, body: [...keep({ op: 'close', loop }), ...keep({ op: 'is_closed', loop })] } as Stmt]
        : []),
      ...keep({ op: 'close', loop }),
      ...between,
      ...keep({ op: 'close', loop }),
      ...keep({ op: 'is_closed', loop }),
    ]);
  });

/** A loop is closed, maybe among other statements, then run. */
export const closedRunPrograms = fc
  .tuple(removable(lifecyclePrograms), mainLoop, fc.constantFrom('until', 'forever'), keeps(2))
  .map(([p, loop, how, flags]) => {
    const keep = flagged(flags);
    return program([
      ...(p?.main ?? []),
      ...keep({ op: 'close', loop }),
      how === 'until' ? { op: 'run_until_complete', loop, body: keep({ op: 'mark', tag: 'a' }) } : { op: 'run_forever', loop },
    ]);
  });

/** A coroutine stops its own loop, then waits: run_until_complete returns early. */
export const stoppedEarlyPrograms = fc
  .tuple(prelude, fc.array(markStmt, { maxLength: 2 }), fc.constantFrom(0, 0.05), fc.array(findingLeaf(), { maxLength: 2 }), keeps(5))
  .map(([pre, before, d, after, flags]) => {
    const keep = flagged(flags);
    return program([
      ...pre,
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          ...before,
          ...keep({ op: 'stop', loop: 'L1' }),
          ...keep({ op: 'sleep', delay: d }),
          ...keep({ op: 'sleep', delay: 0.1 }),
          ...keep({ op: 'return', value: 1 }),
        ],
      },
      ...after,
      ...keep({ op: 'is_running', loop: 'L1' }),
    ]);
  });

/** Several callbacks on one loop, FIFO or timed, then the loop runs. */
export const callbackOrderPrograms = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('soon', 'later'), delay, tag), { minLength: 2, maxLength: 6 }),
    fc.constantFrom('forever', 'until'),
    keeps(2),
  )
  .map(([cbs, how, flags]) =>
    program([
      ...flagged(flags)({ op: 'new_event_loop', as: 'L1' }),
      ...cbs.map(
        ([kind, d, t]): Stmt =>
          kind === 'soon'
            ? { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: t }] }
            : { op: 'call_later', loop: 'L1', delay: d, body: [{ op: 'mark', tag: t }] },
      ),
      ...(how === 'forever'
        ? [
            { op: 'call_later', loop: 'L1', delay: 0.2, body: [{ op: 'stop', loop: 'L1' }] } as Stmt,
            { op: 'run_forever', loop: 'L1' } as Stmt,
          ]
        : [{ op: 'run_until_complete', loop: 'L1', body: flagged(flags.slice(1))({ op: 'sleep', delay: 0.2 }) } as Stmt]),
    ]),
  );

/** A loop runs and returns, then the thread asks what is running and what is current. */
export const afterRunPrograms = fc
  .tuple(
    fc.constantFrom('until', 'forever', 'asyncio.run'),
    fc.array(
      fc.constantFrom<Stmt>({ op: 'peek_running_loop' }, { op: 'get_running_loop' }, { op: 'get_event_loop' }, { op: 'current_task' }),
      { minLength: 1, maxLength: 4 },
    ),
    keeps(3),
  )
  .map(([how, after, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      how === 'until'
        ? { op: 'run_until_complete', loop: 'L1', body: keep({ op: 'peek_running_loop' }) }
        : how === 'forever'
          ? { op: 'call_soon', loop: 'L1', body: [{ op: 'stop', loop: 'L1' }] }
          : { op: 'asyncio_run', body: keep({ op: 'peek_running_loop' }) },
      ...(how === 'forever' ? [{ op: 'run_forever', loop: 'L1' } as Stmt] : []),
      ...after,
      ...keep({ op: 'is_running', loop: 'L1' }),
    ]);
  });

/** set_event_loop with a loop, None or a non-loop, and get_event_loop, in the main thread and a worker. */
export const setFlagPrograms = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.constantFrom<Stmt>(
          { op: 'set_event_loop', arg: null },
          { op: 'set_event_loop', arg: 42 },
          { op: 'set_event_loop', arg: 'L1' },
          { op: 'get_event_loop' },
          { op: 'get_event_loop' },
        ),
      ),
      { minLength: 1, maxLength: 5 },
    ),
    fc.boolean(),
    keeps(3),
  )
  .map(([steps, inThread, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...steps,
      ...keep({ op: 'get_event_loop' }),
      ...(inThread
        ? [{ op: 'start_thread', thread: 'T1', body: keep({ op: 'get_event_loop' }) } as Stmt, { op: 'join_thread', thread: 'T1' } as Stmt]
        : []),
    ]);
  });

/** stop() before the loop runs: run_forever runs one iteration; run_until_complete stops early. */
export const stopFirstPrograms = fc
  .tuple(fc.array(fc.tuple(markStmt, keeps(2)), { minLength: 1, maxLength: 3 }), fc.constantFrom('forever', 'until'), keeps(5))
  .map(([marks, how, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...marks.map(([m, own]): Stmt => {
        const mine = flagged(own);
        return {
          op: 'call_soon',
          loop: 'L1',
          body: [...mine(m), ...mine({ op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'late' }] })],
        };
      }),
      ...keep({ op: 'stop', loop: 'L1' }),
      how === 'forever'
        ? { op: 'run_forever', loop: 'L1' }
        : { op: 'run_until_complete', loop: 'L1', body: [...keep({ op: 'sleep', delay: 0.05 }), ...keep({ op: 'return', value: 1 })] },
      ...keep({ op: 'is_running', loop: 'L1' }),
    ]);
  });

/** Several tasks that each mark, sleep(0), and mark again: round-robin order (each statement removable). */
export const roundRobinPrograms = fc
  .tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.tuple(keeps(6), keeps(6), keeps(6)), keeps(4))
  .map(([tasks, rounds, taskFlags, flags]) => {
    const keep = flagged(flags);
    const body = (k: number): Stmt[] => {
      const mine = flagged(taskFlags[k]);
      return [
        ...Array.from({ length: rounds }, (_, r): Stmt[] => [
          ...mine({ op: 'mark', tag: `t${k}r${r}` }),
          ...mine({ op: 'sleep', delay: 0 }),
        ]).flat(),
        ...mine({ op: 'return', value: k }),
      ];
    };
    const creates = Array.from({ length: tasks }, (_, k): Stmt => ({ op: 'create_task', as: `K${k + 1}`, body: body(k) }));
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          ...creates,
          ...keep({ op: 'mark', tag: 'main' }),
          ...keep({ op: 'sleep', delay: 0 }),
          ...creates.flatMap((_, k): Stmt[] => (taskFlags[k][5] ? [{ op: 'await', task: `K${k + 1}` }] : [])),
          ...keep({ op: 'task_state', task: 'K1' }),
        ],
      },
    ]);
  });

/** A loop becomes current (set, or created implicitly), then new loops are made, then it is asked for. */
export const newAfterSetPrograms = fc
  .tuple(
    fc.constantFrom<Stmt>({ op: 'set_event_loop', arg: 'L1' }, { op: 'get_event_loop' }, { op: 'set_event_loop', arg: null }),
    fc.integer({ min: 1, max: 2 }),
    fc.boolean(),
    keeps(5),
  )
  .map(([current, news, inThread, flags]) => {
    const keep = flagged(flags);
    const body: Stmt[] = [
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep(current),
      ...Array.from({ length: news }, (_, i): Stmt[] => keep({ op: 'new_event_loop', as: `N${i + 1}` })).flat(),
      ...keep({ op: 'get_event_loop' }),
    ];
    return program(
      inThread
        ? [
            { op: 'start_thread', thread: 'T1', body },
            { op: 'join_thread', thread: 'T1' },
          ]
        : body,
    );
  });

/** One thread sets or creates its loop; the other thread then asks for its own. */
export const loopsPerThreadPrograms = fc
  .tuple(
    fc.constantFrom<Stmt[]>(
      [
        { op: 'new_event_loop', as: 'W' },
        { op: 'set_event_loop', arg: 'W' },
      ],
      [{ op: 'get_event_loop' }],
      [{ op: 'set_event_loop', arg: null }],
    ),
    fc.boolean(),
    keeps(4),
  )
  .map(([fullSetup, workerFirst, flags]) => {
    const keep = flagged(flags);
    const setup = fullSetup.flatMap((s) => keep(s));
    const worker: Stmt[] = [
      { op: 'start_thread', thread: 'T1', body: [...(workerFirst ? setup : []), ...keep({ op: 'get_event_loop' })] },
      { op: 'join_thread', thread: 'T1' },
    ];
    const main: Stmt[] = [...(workerFirst ? [] : setup), ...keep({ op: 'get_event_loop' })];
    return program(workerFirst ? [...worker, ...main] : [...main, ...worker]);
  });
