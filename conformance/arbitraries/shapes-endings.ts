/**
 * Program shapes about how things end, which the families never make: asyncio.run shutting
 * down an executor job still running (3.9+) or tasks of another loop, a run stopped early
 * whose task finishes in a later run, thread and fork bodies that raise, a thread never
 * joined or joined while it sleeps, a second fork. Each is named by the clauses it reaches
 * (reach-clauses.ts lists them by clause); the mutants of reference/ each one kills are in
 * reference/MUTATION.md. Fixed statements are removable (blocks.ts).
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { markStmt, pick, program, seq } from './blocks.ts';

/**
 * EXEC-1.1: an executor job inside asyncio.run: awaited, calling back into the run's loop, or
 * still running when the run shuts down. The job then waits on a loop of its own (0.2 s, long
 * after asyncio.run reached shutdown_default_executor) and calls back into the run's loop,
 * whose callback asks for another job: 'Executor shutdown has been called' (3.9+; under 3.8
 * the oracle leaves a job outliving asyncio.run out, runners.ts).
 */
export const executorAtRunEnd = fc
  .tuple(
    seq({ op: 'create_task', as: 'K2', body: [{ op: 'run_in_executor', body: [{ op: 'return', value: 3 }] }] }),
    seq({ op: 'new_event_loop', as: 'L2' }, { op: 'run_until_complete', loop: 'L2', body: [{ op: 'sleep', delay: 0.2 }] }),
  )
  .chain(([callback, wait]) => {
    const lateJob: Stmt = {
      op: 'create_task',
      as: 'K1',
      body: [{ op: 'run_in_executor', body: [...wait, { op: 'call_soon_threadsafe', loop: 'L1', body: callback }] }],
    };
    return fc.tuple(
      pick(
        [{ op: 'run_in_executor', body: [{ op: 'return', value: 1 }] }],
        [{ op: 'run_in_executor', body: [{ op: 'call_soon_threadsafe', loop: 'L1', body: [{ op: 'mark', tag: 'x' }] }] }],
        [lateJob],
      ),
      markStmt,
    );
  })
  .chain(([job, after]) =>
    seq({ op: 'asyncio_run', body: [{ op: 'get_running_loop', as: 'L1' }, ...job, { op: 'return', value: 2 }] }, after),
  )
  .map(program);

/**
 * LIFE-1.3, TASK-5.2: a run stopped early (LIFE-8) while another task waits on its main task;
 * the next run finishes that task, which wakes its waiter and must not stop the new run (the
 * first run's done callback is removed when it returns).
 */
export const stoppedRunWaiter = fc
  .tuple(
    markStmt,
    seq({ op: 'current_task', as: 'K0' }),
    seq({ op: 'sleep', delay: 0 }, { op: 'stop', loop: 'L1' }, { op: 'sleep', delay: 0 }, { op: 'return', value: 2 }),
    seq({ op: 'sleep', delay: 0.1 }, { op: 'mark', tag: 'm' }, { op: 'return', value: 3 }),
  )
  .chain(([k, current, first, second]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [...current, { op: 'create_task', as: 'K2', body: [{ op: 'await', task: 'K0' }, k] }, ...first],
      },
      { op: 'run_until_complete', loop: 'L1', body: second },
    ),
  )
  .map(program);

/** ARUN-2.2: at asyncio.run's end a leftover task waits on a task that finished (or failed) in the last iteration. */
export const leftoverWaitsOnDone = fc
  .tuple(fc.boolean(), markStmt)
  .chain(([fails, m]) =>
    seq(
      {
        op: 'asyncio_run',
        body: [
          {
            op: 'create_task',
            as: 'K2',
            body: [{ op: 'sleep', delay: 0 }, fails ? { op: 'raise', message: 'boom' } : { op: 'return', value: 0 }],
          },
          { op: 'create_task', as: 'K1', body: [{ op: 'await', task: 'K2' }, m] },
          { op: 'sleep', delay: 0 },
          { op: 'return', value: 1 },
        ],
      },
      { op: 'task_state', task: 'K1' },
      { op: 'task_state', task: 'K2' },
    ),
  )
  .map(program);

/**
 * ARUN-2.2: a leftover whose sleep (1e-10 s, below the clock's resolution) came due in the
 * iteration that stopped the run: its wake-up is still queued when asyncio.run cancels it, so
 * the cancellation meets a done sleep and is delivered at the wake-up (measured on 3.8.18,
 * 3.12.1 and 3.13.0: the task ends cancelled).
 */
export const leftoverTimerDue = seq(
  {
    op: 'asyncio_run',
    body: [
      {
        op: 'create_task',
        as: 'K1',
        body: [
          { op: 'sleep', delay: 1e-10 },
          { op: 'mark', tag: 'a' },
        ],
      },
      { op: 'sleep', delay: 0 },
      { op: 'return', value: 1 },
    ],
  },
  { op: 'task_state', task: 'K1' },
).map(program);

/** ARUN-1.1: another loop has a pending task when asyncio.run ends: the run cancels only its own loop's tasks. */
export const otherLoopPending = fc
  .constantFrom(0.05, 0.1)
  .chain((d) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'create_task', as: 'K1', body: [{ op: 'sleep', delay: d }] },
          { op: 'return', value: 1 },
        ],
      },
      { op: 'asyncio_run', body: [{ op: 'return', value: 2 }] },
      { op: 'task_state', task: 'K1' },
    ),
  )
  .map(program);

const raiseAfter = (look: Stmt): Stmt[] => [look, { op: 'raise', message: 'boom' }];

/** GET-4.2: a worker thread whose body raises after a lookup; the program goes on after the join. */
export const threadRaises = seq(
  { op: 'start_thread', thread: 'T1', body: raiseAfter({ op: 'get_event_loop' }) },
  { op: 'join_thread', thread: 'T1' },
  { op: 'get_event_loop' },
).map(program);

/** FORK-2.1, FORK-2.2: a fork child whose body raises after a lookup; the parent goes on. */
export const forkRaises = pick(
  [],
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'set_event_loop', arg: 'L1' },
  ],
)
  .chain((setup) => seq(fc.constant(setup), { op: 'fork', body: raiseAfter({ op: 'get_event_loop' }) }, { op: 'get_event_loop' }))
  .map(program);

/** GET-4.2: a worker thread never joined: it still runs before the program ends. */
export const unjoinedThread = seq(
  { op: 'new_event_loop', as: 'L1' },
  {
    op: 'start_thread',
    thread: 'T1',
    body: [{ op: 'get_event_loop' }],
  },
).map(program);

/**
 * THR-1.3: the main loop is stopped by a worker that then runs a loop of its own, sleeping;
 * the join waits until the worker closed it.
 */
export const joinWhileSleeping = seq(
  { op: 'new_event_loop', as: 'L2' },
  { op: 'call_soon_threadsafe', loop: 'L1', body: [{ op: 'stop', loop: 'L1' }] },
  { op: 'run_until_complete', loop: 'L2', body: [{ op: 'sleep', delay: 0.05 }] },
  { op: 'close', loop: 'L2' },
)
  .chain((worker) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'start_thread', thread: 'T1', body: worker },
      { op: 'run_forever', loop: 'L1' },
      { op: 'join_thread', thread: 'T1' },
      { op: 'is_closed', loop: 'L2' },
      { op: 'is_running', loop: 'L2' },
    ),
  )
  .map(program);

/** FORK-1.1: a second fork, inside a running loop: the child has its own pid, so no running loop. */
export const secondForkInLoop = pick([{ op: 'peek_running_loop' }], [{ op: 'get_running_loop' }])
  .chain((look) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'fork', body: [] },
      { op: 'run_until_complete', loop: 'L1', body: [{ op: 'fork', body: look }] },
    ),
  )
  .map(program);

/** FORK-2.2, FORK-2.1: a fork inside asyncio.run after a loop was set: the child sees the run's loop (3.8-3.11). */
export const forkInAsyncioRun = seq(
  { op: 'new_event_loop', as: 'L1' },
  { op: 'set_event_loop', arg: 'L1' },
  { op: 'asyncio_run', body: [{ op: 'fork', body: [{ op: 'get_event_loop' }] }] },
).map(program);

/**
 * TASK-5.2: tasks sleeping for different positive delays (0.1 s apart: a stall of the
 * process shorter than that cannot make both due at once; the first sleep puts the clock past
 * 0, where a select() timeout that adds the time instead of subtracting it overshoots both),
 * with sleep(0) round robin after a wake-up; and awaiting a task already done, which costs no iteration.
 */
export const sleepsOfTwoLengths = fc
  .oneof(
    fc
      .tuple(seq({ op: 'sleep', delay: 0.05 }, { op: 'mark', tag: 'a' }, { op: 'sleep', delay: 0 }, { op: 'mark', tag: 'c' }))
      .chain(([k1]) =>
        seq({ op: 'sleep', delay: 0.2 }, { op: 'create_task', as: 'K1', body: k1 }, { op: 'sleep', delay: 0.15 }, { op: 'mark', tag: 'b' }),
      ),
    fc
      .tuple(
        seq(
          { op: 'mark', tag: 'x' },
          { op: 'sleep', delay: 0 },
          { op: 'mark', tag: 'y' },
          { op: 'sleep', delay: 0 },
          { op: 'mark', tag: 'z' },
        ),
      )
      .chain(([k2]) =>
        seq(
          { op: 'create_task', as: 'K1', body: [{ op: 'return', value: 1 }] },
          { op: 'create_task', as: 'K2', body: k2 },
          { op: 'sleep', delay: 0 },
          { op: 'await', task: 'K1' },
          { op: 'mark', tag: 'c' },
          { op: 'await', task: 'K2' },
        ),
      ),
  )
  .chain((body) => seq({ op: 'new_event_loop', as: 'L1' }, { op: 'run_until_complete', loop: 'L1', body }))
  .map(program);
