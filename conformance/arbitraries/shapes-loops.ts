/**
 * Program shapes that reach clauses of the lifecycle, task, scheduling, executor and
 * asyncio.run rules, each named by the clauses it reaches (reach-clauses.ts lists them by
 * clause). Fixed statements are removable (blocks.ts).
 */
import fc from 'fast-check';
import type { Program, Stmt } from '../../language/program.ts';
import type { Arb } from './blocks.ts';
import { delay, ending, flagged, keeps, markStmt, pick, program, seq, st, tag } from './blocks.ts';
import { setLoop } from './shapes-lookups.ts';

const marks = fc.array(markStmt, { minLength: 1, maxLength: 2 });

/** TASK-1.2, TASK-1.3: then, with a loop running, a task created and its creator's next statement. */
const taskStartInLoop = fc
  .tuple(marks, markStmt, seq({ op: 'sleep', delay: 0 }))
  .chain(([body, next, after]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body: [{ op: 'create_task', as: 'K2', body }, next, ...after] },
    ),
  );

/** TASK-1.x: create_task with no running loop, in the main thread or a worker thread (its body never runs), then in a running loop. */
export const createTaskOutsideLoop = fc
  .tuple(fc.boolean(), marks, seq({ op: 'get_event_loop' }), taskStartInLoop)
  .chain(([inThread, body, after, inLoop]) => {
    const create: Stmt = { op: 'create_task', as: 'K1', body };
    const outside = inThread
      ? seq({ op: 'start_thread', thread: 'T1', body: [create, ...after] }, { op: 'join_thread', thread: 'T1' })
      : fc.constant<Stmt[]>([create, ...after]);
    return outside.map((stmts) => [...stmts, ...inLoop]);
  })
  .map(program);

/** TASK-3.1, TASK-3.2: current_task in a task's first step and after it resumed (sleep, another task). */
export const currentTaskSteps = fc
  .tuple(
    fc.constantFrom(0, 0.05),
    seq({ op: 'current_task' }, { op: 'sleep', delay: 0 }, { op: 'current_task' }),
    seq({ op: 'current_task' }, { op: 'await', task: 'K1' }, { op: 'current_task' }),
  )
  .chain(([d, inTask, inMain]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [{ op: 'create_task', as: 'K1', body: inTask }, { op: 'current_task' }, { op: 'sleep', delay: d }, ...inMain],
      },
    ),
  )
  .map(program);

/** ARUN-2.1 to ARUN-2.3: tasks left pending when asyncio.run's coroutine returns, then their state and the loop's. */
export const leftoverTasks = fc
  .tuple(
    fc.constantFrom(0, 0.05),
    marks,
    fc.boolean(),
    ending,
    seq(
      { op: 'task_state', task: 'K1' },
      { op: 'task_state', task: 'K2' },
      { op: 'is_closed', loop: 'L3' },
      { op: 'is_running', loop: 'L3' },
    ),
    keeps(5),
  )
  .map(([d, body, second, end, after, flags]) => {
    const keep = flagged(flags);
    const main: Stmt[] = [
      ...keep({ op: 'get_running_loop', as: 'L3' }),
      ...keep({ op: 'create_task', as: 'K1', body: [...body, ...keep({ op: 'sleep', delay: d }), { op: 'mark', tag: 'e' }] }),
      ...(second ? [st({ op: 'create_task', as: 'K2', body: [{ op: 'sleep', delay: 0.05 }] })] : []),
      ...keep({ op: 'sleep', delay: 0 }),
      end,
    ];
    return program([...keep({ op: 'asyncio_run', body: main }), ...after]);
  });

/** EXEC-1.2: what the executor function sees of its thread and of loops. */
export const executorThread = fc
  .tuple(
    pick(
      [{ op: 'current_thread' }],
      [{ op: 'current_thread' }, { op: 'peek_running_loop' }],
      [{ op: 'get_event_loop' }, { op: 'current_thread' }],
    ),
    fc.option(ending),
  )
  .chain(([look, end]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [{ op: 'run_in_executor', body: [...look, ...(end ? [end] : [])] }, { op: 'current_thread' }],
      },
    ),
  )
  .map(program);

/** EXEC-2.2: the executor function looks up the current loop, with a loop set in the scheduling thread or not. */
export const executorLookup = fc
  .tuple(fc.boolean(), seq({ op: 'get_running_loop' }))
  .chain(([setFirst, more]) =>
    seq(fc.constant(setFirst ? setLoop : [{ op: 'new_event_loop', as: 'L1' } as Stmt]), {
      op: 'run_until_complete',
      loop: 'L1',
      body: [{ op: 'run_in_executor', body: [{ op: 'get_event_loop' }, ...more] }],
    }),
  )
  .map(program);

/** LIFE-1.2, LIFE-1.3: a loop run to completion, then run again; the coroutines return or raise. */
export const rerun = fc
  .tuple(marks, ending, marks, ending)
  .chain(([b1, e1, b2, e2]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body: [...b1, e1] },
      { op: 'run_until_complete', loop: 'L1', body: [...b2, e2] },
      { op: 'is_running', loop: 'L1' },
    ),
  )
  .map(program);

/** LIFE-2.x: a loop that ran, closed, then asked to run forever or until a coroutine completes (which never runs). */
export const closedRun = (how: 'forever' | 'until'): Arb<Program> =>
  fc
    .tuple(marks, marks)
    .chain(([body, refused]) =>
      seq(
        { op: 'new_event_loop', as: 'L1' },
        { op: 'run_until_complete', loop: 'L1', body },
        { op: 'close', loop: 'L1' },
        how === 'forever' ? { op: 'run_forever', loop: 'L1' } : { op: 'run_until_complete', loop: 'L1', body: refused },
        { op: 'is_closed', loop: 'L1' },
      ),
    )
    .map(program);

/** LIFE-3.x, LIFE-4.x: a running loop asked to run again, or another loop asked to run, from a task or a callback. */
export const refusedRun = (how: 'forever' | 'until', target: 'L1' | 'L2'): Arb<Program> =>
  fc
    .tuple(fc.constantFrom('task', 'callback'), marks, fc.boolean())
    .chain(([where, body, stopFirst]) => {
      const run: Stmt = how === 'forever' ? { op: 'run_forever', loop: target } : { op: 'run_until_complete', loop: target, body };
      // Stopped first, L1 still runs until the end of the iteration: the run is refused all the same.
      const refused: Stmt[] = stopFirst ? [{ op: 'stop', loop: 'L1' }, run] : [run];
      const inLoop: Stmt[] =
        where === 'task'
          ? [...refused, { op: 'is_running', loop: 'L1' }]
          : [
              { op: 'call_soon', loop: 'L1', body: refused },
              { op: 'sleep', delay: 0 },
            ];
      return seq(
        { op: 'new_event_loop', as: 'L1' },
        { op: 'new_event_loop', as: 'L2' },
        { op: 'run_until_complete', loop: 'L1', body: inLoop },
        { op: 'is_running', loop: target },
      );
    })
    .map(program);

/** LIFE-6.x: is_running and is_closed before, during (in a task, a callback, after stop), between and after runs, and after close. */
export const lifecycleQueries = seq(
  { op: 'new_event_loop', as: 'L1' },
  { op: 'is_running', loop: 'L1' },
  { op: 'is_closed', loop: 'L1' },
  {
    op: 'run_until_complete',
    loop: 'L1',
    body: [
      { op: 'is_running', loop: 'L1' },
      { op: 'call_soon', loop: 'L1', body: [{ op: 'is_running', loop: 'L1' }] },
      { op: 'sleep', delay: 0 },
      // Stopped, a loop still runs until the end of the iteration (then the task is done).
      { op: 'stop', loop: 'L1' },
      { op: 'is_running', loop: 'L1' },
    ],
  },
  { op: 'is_running', loop: 'L1' },
  { op: 'close', loop: 'L1' },
  { op: 'is_closed', loop: 'L1' },
  { op: 'is_running', loop: 'L1' },
).map(program);

/** SCHED-3.2: a worker thread schedules a callback with call_soon_threadsafe; the callback asks where it runs. */
export const threadsafeWhere = fc
  .tuple(tag, seq({ op: 'get_running_loop' }))
  .chain(([t, look]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'call_soon',
        loop: 'L1',
        body: [
          {
            op: 'start_thread',
            thread: 'T1',
            body: [
              {
                op: 'call_soon_threadsafe',
                loop: 'L1',
                body: [{ op: 'mark', tag: t }, { op: 'current_thread' }, ...look, { op: 'stop', loop: 'L1' }],
              },
            ],
          },
        ],
      },
      { op: 'run_forever', loop: 'L1' },
      { op: 'join_thread', thread: 'T1' },
    ),
  )
  .map(program);

/** SCHED-4.1, SCHED-4.2: callbacks scheduled on a closed loop. */
export const scheduleOnClosed = (...ops: Array<'call_soon' | 'call_later' | 'call_soon_threadsafe'>): Arb<Program> =>
  fc
    .tuple(fc.constantFrom(...ops), delay, marks)
    .chain(([op, d, body]) => {
      const call: Stmt =
        op === 'call_later'
          ? { op, loop: 'L1', delay: d, body }
          : op === 'call_soon'
            ? { op, loop: 'L1', body }
            : { op: 'call_soon_threadsafe', loop: 'L1', body };
      return seq({ op: 'new_event_loop', as: 'L1' }, { op: 'close', loop: 'L1' }, call, { op: 'is_closed', loop: 'L1' });
    })
    .map(program);

/** ARUN-3.1, ARUN-3.2: asyncio.run called from a task or a callback of a running loop. */
export const refusedAsyncioRun = fc
  .tuple(fc.boolean(), marks)
  .chain(([inCallback, body]) => {
    const run: Stmt = { op: 'asyncio_run', body };
    const inLoop: Stmt[] = inCallback
      ? [
          { op: 'call_soon', loop: 'L1', body: [run] },
          { op: 'sleep', delay: 0 },
        ]
      : [run];
    return seq({ op: 'new_event_loop', as: 'L1' }, { op: 'run_until_complete', loop: 'L1', body: inLoop }, { op: 'get_event_loop' });
  })
  .map(program);

/** ARUN-4.1: the thread's loop looked up after asyncio.run, with a loop set before it or not. */
export const afterAsyncioRun = fc
  .tuple(fc.boolean(), marks, ending)
  .chain(([setFirst, body, end]) =>
    seq(
      fc.constant(setFirst ? setLoop : []),
      { op: 'asyncio_run', body: [...body, end] },
      { op: 'get_event_loop' },
      { op: 'get_event_loop' },
    ),
  )
  .map(program);

/** RUN-1.1, RUN-2.1: the running loop looked up in a task and in a callback. */
export const runningLookups = seq(
  { op: 'new_event_loop', as: 'L1' },
  {
    op: 'run_until_complete',
    loop: 'L1',
    body: [
      { op: 'get_running_loop' },
      { op: 'peek_running_loop' },
      { op: 'call_soon', loop: 'L1', body: [{ op: 'get_running_loop' }, { op: 'peek_running_loop' }] },
      { op: 'sleep', delay: 0 },
    ],
  },
).map(program);

/** TASK-4.1: current_task with no running loop: in the main thread, a worker thread, an executor thread. */
export const currentTaskOutside = fc
  .constantFrom('main', 'thread', 'executor')
  .chain((where) => {
    const ask: Stmt = { op: 'current_task' };
    if (where === 'main') return seq(ask, { op: 'get_event_loop' });
    if (where === 'thread') return seq({ op: 'start_thread', thread: 'T1', body: [ask] }, { op: 'join_thread', thread: 'T1' });
    return seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body: [{ op: 'run_in_executor', body: [ask] }] },
    );
  })
  .map(program);

/**
 * SCHED-2.1: timers scheduled against their deadlines (the later scheduled due 0.1 s or more
 * earlier, so that the time real statements take cannot reorder them), and one in order.
 */
export const timersByDeadline = fc
  .tuple(fc.constantFrom(0.1, 0.15), fc.constantFrom(0, 0.05))
  .chain(([late, early]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'call_later', loop: 'L1', delay: late, body: [{ op: 'mark', tag: 'a' }] },
      { op: 'call_later', loop: 'L1', delay: early, body: [{ op: 'mark', tag: 'b' }] },
      {
        op: 'call_later',
        loop: 'L1',
        delay: late + 0.1,
        body: [
          { op: 'mark', tag: 'c' },
          { op: 'stop', loop: 'L1' },
        ],
      },
      { op: 'run_forever', loop: 'L1' },
    ),
  )
  .map(program);

/**
 * CANCEL-1.6: all_tasks() in and after the first step of a task that asyncio.eager_task_factory
 * (3.12+; an AttributeError before) starts inside create_task: the task is among them while that
 * step runs (tasks.py _eager_tasks) and after it, where it suspended (__eager_start's _register_task).
 */
export const eagerAllTasks = fc
  .tuple(fc.constantFrom<Stmt[]>([], [{ op: 'sleep', delay: 0 }], [{ op: 'sleep', delay: 0.05 }]), keeps(7))
  .map(([suspend, flags]) => {
    const keep = flagged(flags);
    return program([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'set_task_factory', loop: 'L1', body: [], arg: 'eager' },
          {
            op: 'create_task',
            as: 'K1',
            body: [...keep({ op: 'all_tasks' }), ...keep({ op: 'all_tasks', loop: 'L1' }), ...suspend, { op: 'return', value: 1 }],
          },
          ...keep({ op: 'all_tasks', task: 'K1' }),
          ...keep({ op: 'all_tasks' }),
          ...keep({ op: 'await', task: 'K1' }),
          ...keep({ op: 'all_tasks', task: 'K1' }),
          ...keep({ op: 'all_tasks' }),
        ],
      },
    ]);
  });
