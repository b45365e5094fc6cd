/**
 * Targeted families: each makes one rule's situation common (a loop set then asked for, a
 * closed loop run, a task's first step, timers with distinct deadlines, ...), where the broad
 * families reach it too rarely for a broken implementation to be caught reliably.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { delay, ending, findingLeaf, lifecycleLeaf, mainLoop, markStmt, prelude, program, st, tag } from './blocks.ts';
import { lifecyclePrograms } from './families.ts';

const anyFinding = fc.array(findingLeaf(), { maxLength: 3 });

/**
 * A loop is set (sometimes twice, sometimes after an implicit creation), other statements
 * happen, sometimes the loop is closed, then the current loop is asked for.
 */
export const setThenGetPrograms = fc
  .tuple(prelude, anyFinding, fc.boolean(), mainLoop, fc.option(mainLoop), anyFinding, fc.boolean())
  .map(([pre, before, implicitFirst, loop, again, between, closeIt]) =>
    program([
      ...pre,
      ...before,
      ...(implicitFirst ? [{ op: 'get_event_loop', as: 'L3' } as Stmt] : []),
      { op: 'set_event_loop', arg: loop },
      ...(again ? [{ op: 'set_event_loop', arg: again } as Stmt] : []),
      ...between,
      ...(closeIt ? [{ op: 'close', loop: again ?? loop } as Stmt] : []),
      { op: 'get_event_loop' },
      { op: 'get_event_loop' },
    ]),
  );

/** The implicitly created loop is closed, then asked for again: it is not re-created. */
export const closedImplicitPrograms = fc
  .tuple(prelude, anyFinding)
  .map(([pre, between]) =>
    program([...pre, { op: 'get_event_loop', as: 'L3' }, { op: 'close', loop: 'L3' }, ...between, { op: 'get_event_loop' }]),
  );

/** A task is created and its creator goes on: the task's first step comes after. */
export const taskStartPrograms = fc
  .tuple(
    fc.boolean(),
    fc.array(markStmt, { minLength: 1, maxLength: 3 }),
    fc.array(fc.oneof(markStmt, fc.constant(st({ op: 'sleep', delay: 0 }))), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([viaRun, taskBody, creatorRest, awaitIt]) => {
    const body: Stmt[] = [
      { op: 'create_task', as: 'K1', body: taskBody },
      ...creatorRest,
      ...(awaitIt ? [{ op: 'await', task: 'K1' } as Stmt] : []),
    ];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      viaRun ? { op: 'asyncio_run', body } : { op: 'run_until_complete', loop: 'L1', body },
    ]);
  });

/** A task that fails is awaited more than once, and its state read. */
export const awaitTwicePrograms = fc
  .tuple(fc.oneof(ending, fc.constant(st({ op: 'raise', message: 'boom' }))), fc.integer({ min: 2, max: 3 }))
  .map(([end, times]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'create_task', as: 'K1', body: [{ op: 'sleep', delay: 0 }, end] },
          ...Array.from({ length: times }, (): Stmt => ({ op: 'await', task: 'K1' })),
          { op: 'task_state', task: 'K1' },
        ],
      },
    ]),
  );

/** The policy's identity around what might replace it: a fork, a thread, set_event_loop_policy. */
export const policyIdentityPrograms = fc.tuple(fc.constantFrom('fork', 'thread', 'none', 'new'), anyFinding).map(([between, extra]) => {
  const middle: Stmt[] =
    between === 'fork'
      ? [{ op: 'fork', body: [{ op: 'get_policy' }, { op: 'get_event_loop' }] }]
      : between === 'thread'
        ? [
            { op: 'start_thread', thread: 'T1', body: [{ op: 'get_policy' }] },
            { op: 'join_thread', thread: 'T1' },
          ]
        : [{ op: 'set_policy', arg: between === 'none' ? null : 'new' }];
  return program([{ op: 'get_policy' }, ...extra, ...middle, { op: 'get_policy' }, { op: 'get_policy' }]);
});

/** get_event_loop inside a running loop that is not the thread's current loop. */
export const runningNotCurrentPrograms = fc.tuple(fc.boolean(), anyFinding).map(([viaCallback, inside]) => {
  const look: Stmt[] = [{ op: 'get_event_loop' }, ...inside, { op: 'get_event_loop' }];
  return program([
    { op: 'new_event_loop', as: 'L1' },
    { op: 'new_event_loop', as: 'L2' },
    { op: 'set_event_loop', arg: 'L2' },
    viaCallback
      ? { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'a' }, ...look, { op: 'stop', loop: 'L1' }] }
      : { op: 'run_until_complete', loop: 'L1', body: look },
    ...(viaCallback ? [{ op: 'run_forever', loop: 'L1' } as Stmt] : []),
    { op: 'get_event_loop' },
  ]);
});

/** A loop closed twice, or closed while it runs, then asked about. */
export const closeTwicePrograms = fc
  .tuple(mainLoop, fc.boolean(), fc.array(lifecycleLeaf(mainLoop), { maxLength: 3 }))
  .map(([loop, inside, between]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'new_event_loop', as: 'L2' },
      ...(inside
        ? [
            {
              op: 'run_until_complete',
              loop,
              body: [
                { op: 'close', loop },
                { op: 'is_closed', loop },
              ],
            } as Stmt,
          ]
        : []),
      { op: 'close', loop },
      ...between,
      { op: 'close', loop },
      { op: 'is_closed', loop },
    ]),
  );

/** A loop is closed, maybe among other statements, then run. */
export const closedRunPrograms = fc
  .tuple(lifecyclePrograms, mainLoop, fc.constantFrom('until', 'forever'))
  .map(([p, loop, how]) =>
    program([
      ...p.main,
      { op: 'close', loop },
      how === 'until' ? { op: 'run_until_complete', loop, body: [{ op: 'mark', tag: 'a' }] } : { op: 'run_forever', loop },
    ]),
  );

/** A coroutine stops its own loop, then waits: run_until_complete returns early. */
export const stoppedEarlyPrograms = fc
  .tuple(prelude, fc.array(markStmt, { maxLength: 2 }), fc.constantFrom(0, 0.05), fc.array(findingLeaf(), { maxLength: 2 }))
  .map(([pre, before, d, after]) =>
    program([
      ...pre,
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [...before, { op: 'stop', loop: 'L1' }, { op: 'sleep', delay: d }, { op: 'sleep', delay: 0.1 }, { op: 'return', value: 1 }],
      },
      ...after,
      { op: 'is_running', loop: 'L1' },
    ]),
  );

/** Several callbacks on one loop, FIFO or timed, then the loop runs. */
export const callbackOrderPrograms = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('soon', 'later'), delay, tag), { minLength: 2, maxLength: 6 }),
    fc.constantFrom('forever', 'until'),
  )
  .map(([cbs, how]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
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
        : [{ op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0.2 }] } as Stmt]),
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
  )
  .map(([how, after]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      how === 'until'
        ? { op: 'run_until_complete', loop: 'L1', body: [{ op: 'peek_running_loop' }] }
        : how === 'forever'
          ? { op: 'call_soon', loop: 'L1', body: [{ op: 'stop', loop: 'L1' }] }
          : { op: 'asyncio_run', body: [{ op: 'peek_running_loop' }] },
      ...(how === 'forever' ? [{ op: 'run_forever', loop: 'L1' } as Stmt] : []),
      ...after,
      { op: 'is_running', loop: 'L1' },
    ]),
  );

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
  )
  .map(([steps, inThread]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      ...steps,
      { op: 'get_event_loop' },
      ...(inThread
        ? [{ op: 'start_thread', thread: 'T1', body: [{ op: 'get_event_loop' }] } as Stmt, { op: 'join_thread', thread: 'T1' } as Stmt]
        : []),
    ]),
  );

/** stop() before the loop runs: run_forever runs one iteration; run_until_complete stops early. */
export const stopFirstPrograms = fc
  .tuple(fc.array(markStmt, { minLength: 1, maxLength: 3 }), fc.constantFrom('forever', 'until'))
  .map(([marks, how]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      ...marks.map(
        (m): Stmt => ({ op: 'call_soon', loop: 'L1', body: [m, { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'late' }] }] }),
      ),
      { op: 'stop', loop: 'L1' },
      how === 'forever'
        ? { op: 'run_forever', loop: 'L1' }
        : {
            op: 'run_until_complete',
            loop: 'L1',
            body: [
              { op: 'sleep', delay: 0.05 },
              { op: 'return', value: 1 },
            ],
          },
      { op: 'is_running', loop: 'L1' },
    ]),
  );

/** Several tasks that each mark, sleep(0), and mark again: round-robin order. */
export const roundRobinPrograms = fc.tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 })).map(([tasks, rounds]) => {
  const body = (k: number): Stmt[] =>
    Array.from({ length: rounds }, (_, r): Stmt[] => [
      { op: 'mark', tag: `t${k}r${r}` },
      { op: 'sleep', delay: 0 },
    ]).flat();
  const creates = Array.from(
    { length: tasks },
    (_, k): Stmt => ({ op: 'create_task', as: `K${k + 1}`, body: [...body(k), { op: 'return', value: k }] }),
  );
  return program([
    { op: 'new_event_loop', as: 'L1' },
    {
      op: 'run_until_complete',
      loop: 'L1',
      body: [
        ...creates,
        { op: 'mark', tag: 'main' },
        { op: 'sleep', delay: 0 },
        ...creates.map((_, k): Stmt => ({ op: 'await', task: `K${k + 1}` })),
        { op: 'task_state', task: 'K1' },
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
  )
  .map(([current, news, inThread]) => {
    const body: Stmt[] = [
      { op: 'new_event_loop', as: 'L1' },
      current,
      ...Array.from({ length: news }, (_, i): Stmt => ({ op: 'new_event_loop', as: `N${i + 1}` })),
      { op: 'get_event_loop' },
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
  )
  .map(([setup, workerFirst]) => {
    const worker: Stmt[] = [
      { op: 'start_thread', thread: 'T1', body: [...(workerFirst ? setup : []), { op: 'get_event_loop' }] },
      { op: 'join_thread', thread: 'T1' },
    ];
    const main: Stmt[] = [...(workerFirst ? [] : setup), { op: 'get_event_loop' }];
    return program(workerFirst ? [...worker, ...main] : [...main, ...worker]);
  });
