/**
 * Shapes by clause: for each clause (spec/rules.ts) that the families reach too rarely, the
 * program shape that reaches it. `CLAUSE_SHAPES` names them; a rule's property adds the shapes
 * of its clauses (`withShapes`), and the census (conformance/census.test.ts) checks that every
 * clause is reached by at least 20 of a rule's programs under every profile where it applies.
 * Fixed statements are removable (blocks.ts), so a shrunk counterexample keeps only what its
 * failure needs.
 */
import fc from 'fast-check';
import type { Program, Stmt } from '../../language/program.ts';
import type { Arb } from './blocks.ts';
import { delay, ending, markStmt, program, removable, seq, st, tag } from './blocks.ts';
import { mainThreadNamePrograms } from './reach-fork.ts';
import { currentTaskInCallbackPrograms, stopRerunPrograms } from './reach-scheduling.ts';
import { taskStartPrograms } from './targeted.ts';

const marks = fc.array(markStmt, { minLength: 1, maxLength: 2 });
const opt = (s: Stmt): Arb<Stmt[]> => removable(fc.constant(s)).map((x) => (x ? [x] : []));
const pick = (...choices: Stmt[][]): Arb<Stmt[]> => fc.constantFrom(...choices);
const setLoop: Stmt[] = [
  { op: 'new_event_loop', as: 'L1' },
  { op: 'set_event_loop', arg: 'L1' },
];

/** TASK-1.1: create_task with no running loop, in the main thread or a worker thread; its body never runs. */
const createTaskOutsideLoop = fc
  .tuple(fc.boolean(), marks, seq({ op: 'get_event_loop' }))
  .chain(([inThread, body, after]) => {
    const create: Stmt = { op: 'create_task', as: 'K1', body };
    return inThread
      ? seq({ op: 'start_thread', thread: 'T1', body: [create, ...after] }, { op: 'join_thread', thread: 'T1' })
      : fc.constant<Stmt[]>([create, ...after]);
  })
  .map(program);

/** TASK-3.1, TASK-3.2: current_task in a task's first step and after it resumed (sleep, another task). */
const currentTaskSteps = fc
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
const leftoverTasks = fc
  .tuple(fc.constantFrom(0, 0.05), marks, fc.boolean(), ending)
  .chain(([d, body, second, end]) =>
    seq(
      {
        op: 'asyncio_run',
        body: [
          { op: 'get_running_loop', as: 'L3' },
          { op: 'create_task', as: 'K1', body: [...body, { op: 'sleep', delay: d }, { op: 'mark', tag: 'e' }] },
          ...(second ? [st({ op: 'create_task', as: 'K2', body: [{ op: 'sleep', delay: 0.05 }] })] : []),
          { op: 'sleep', delay: 0 },
          end,
        ],
      },
      { op: 'task_state', task: 'K1' },
      { op: 'task_state', task: 'K2' },
      { op: 'is_closed', loop: 'L3' },
      { op: 'is_running', loop: 'L3' },
    ),
  )
  .map(program);

/** EXEC-1.2: what the executor function sees of its thread and of loops. */
const executorThread = fc
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
const executorLookup = fc
  .tuple(fc.boolean(), seq({ op: 'get_running_loop' }))
  .chain(([setFirst, more]) =>
    seq(fc.constant(setFirst ? setLoop : [{ op: 'new_event_loop', as: 'L1' } as Stmt]), {
      op: 'run_until_complete',
      loop: 'L1',
      body: [{ op: 'run_in_executor', body: [{ op: 'get_event_loop' }, ...more] }],
    }),
  )
  .map(program);

/** FORK-1.x: a fork from inside a running loop; the child looks for a running loop, asks the copy, runs a loop of its own. */
const forkInRunningLoop = seq(
  { op: 'new_event_loop', as: 'L1' },
  {
    op: 'run_until_complete',
    loop: 'L1',
    body: [
      {
        op: 'fork',
        body: [
          { op: 'peek_running_loop' },
          { op: 'is_running', loop: 'L1' },
          { op: 'get_running_loop' },
          { op: 'new_event_loop', as: 'C1' },
          { op: 'run_until_complete', loop: 'C1', body: [{ op: 'get_running_loop' }, { op: 'peek_running_loop' }] },
        ],
      },
      { op: 'is_running', loop: 'L1' },
    ],
  },
).map(program);

/** FORK-2.1 to FORK-2.4: the child's lookups after some kind of state in the forking (main) thread. */
const forkState = (state: Arb<Stmt[]>): Arb<Program> =>
  fc
    .tuple(state, seq({ op: 'get_event_loop' }, { op: 'get_event_loop' }), seq({ op: 'get_event_loop' }))
    .map(([before, child, after]) => program([...before, { op: 'fork', body: child }, ...after]));
/** FORK-2.2: a loop set in the forking thread, or created implicitly there. */
const forkLoopSet = forkState(pick(setLoop, [{ op: 'get_event_loop', as: 'L1' }]));
/** FORK-2.3: the forking thread's loop cleared, by set_event_loop(None) or asyncio.run. */
const forkCleared = forkState(pick([{ op: 'set_event_loop', arg: null }], [{ op: 'asyncio_run', body: [] }]));
/** FORK-2.4: nothing set in the forking thread (a loop made, or not). */
const forkFresh = forkState(pick([], [{ op: 'new_event_loop', as: 'L1' }]));

/** FORK-2.5: a worker thread, joined at once, sets its state and forks; the child looks up its loop. */
const forkFromWorker = fc
  .tuple(
    pick(
      [
        { op: 'new_event_loop', as: 'L3' },
        { op: 'set_event_loop', arg: 'L3' },
      ],
      [{ op: 'set_event_loop', arg: null }],
    ),
    seq({ op: 'get_event_loop' }, { op: 'get_event_loop' }),
  )
  .chain(([state, child]) =>
    seq({ op: 'start_thread', thread: 'T1', body: [...state, { op: 'fork', body: child }] }, { op: 'join_thread', thread: 'T1' }),
  )
  .map(program);

/** GET-2.1, GET-2.2: the loop set for the thread is asked for, closed, then asked for again. */
const closedSetLoop = seq(
  { op: 'new_event_loop', as: 'L1' },
  { op: 'set_event_loop', arg: 'L1' },
  { op: 'get_event_loop' },
  { op: 'close', loop: 'L1' },
  { op: 'get_event_loop' },
  { op: 'get_event_loop' },
).map(program);

/** LIFE-1.2, LIFE-1.3: a loop run to completion, then run again; the coroutines return or raise. */
const rerun = fc
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
const closedRun = (how: 'forever' | 'until'): Arb<Program> =>
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
const refusedRun = (how: 'forever' | 'until', target: 'L1' | 'L2'): Arb<Program> =>
  fc
    .tuple(fc.constantFrom('task', 'callback'), fc.array(markStmt, { maxLength: 2 }))
    .chain(([where, body]) => {
      const run: Stmt = how === 'forever' ? { op: 'run_forever', loop: target } : { op: 'run_until_complete', loop: target, body };
      const inLoop: Stmt[] =
        where === 'task'
          ? [run, { op: 'is_running', loop: 'L1' }]
          : [
              { op: 'call_soon', loop: 'L1', body: [run] },
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

/** LIFE-6.x: is_running and is_closed before, during (in a task and a callback), between and after runs, and after close. */
const lifecycleQueries = seq(
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
    ],
  },
  { op: 'is_running', loop: 'L1' },
  { op: 'close', loop: 'L1' },
  { op: 'is_closed', loop: 'L1' },
  { op: 'is_running', loop: 'L1' },
).map(program);

/** set_event_loop calls in the main thread (each a choice of `calls`), then lookups there and in a worker thread. */
const setCalls = (...calls: Stmt[][]): Arb<Program> =>
  fc
    .tuple(
      pick(...calls),
      seq({ op: 'get_event_loop' }, { op: 'get_event_loop' }),
      seq({ op: 'start_thread', thread: 'T1', body: [{ op: 'get_event_loop' }] }, { op: 'join_thread', thread: 'T1' }),
    )
    .map(([set, here, worker]) => program([...set, ...here, ...worker]));

/** NEW-3.3: a loop set in the main thread is not the worker's. */
const setLoopCalls = setCalls(setLoop, [...setLoop, { op: 'get_event_loop' }]);
/** NEW-4.x, GET-4.1: set_event_loop(None), with or without a loop set first. */
const setNoneCalls = setCalls([{ op: 'set_event_loop', arg: null }], [...setLoop, { op: 'set_event_loop', arg: null }]);
/** NEW-5.x: set_event_loop(42), with or without a loop set first. */
const setBadCalls = setCalls([{ op: 'set_event_loop', arg: 42 }], [...setLoop, { op: 'set_event_loop', arg: 42 }]);

/** RUN-1.2, RUN-2.2: the running loop looked up where none runs: the main thread (a loop set or not), a worker thread. */
const noRunningLookups = fc
  .tuple(fc.constantFrom('main', 'set', 'thread'), seq({ op: 'get_running_loop' }, { op: 'peek_running_loop' }))
  .chain(([where, look]) => {
    if (where === 'main') return fc.constant<Stmt[]>(look);
    if (where === 'set') return fc.constant<Stmt[]>([...setLoop, ...look]);
    return seq({ op: 'start_thread', thread: 'T1', body: look }, { op: 'join_thread', thread: 'T1' });
  })
  .map(program);

/** POL-1.2: the policy asked for in a fork child. */
const policyInChild = fc
  .tuple(opt({ op: 'get_policy' }), opt({ op: 'new_event_loop', as: 'L1' }), seq({ op: 'get_policy' }))
  .map(([before, loop, after]) =>
    program([...before, ...loop, { op: 'fork', body: [{ op: 'get_policy' }, { op: 'get_event_loop' }] }, ...after]),
  );

/** POL-2.3, POL-2.4: a loop set, the policy replaced, uninstalled or refused, then the main thread's lookup. */
const policyAfresh = fc
  .tuple(fc.constantFrom<'new' | null | number>('new', null, 42), seq({ op: 'get_event_loop' }, { op: 'get_policy' }))
  .chain(([arg, after]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      { op: 'set_event_loop', arg: 'L1' },
      { op: 'set_policy', arg },
      { op: 'get_event_loop' },
      fc.constant(after),
    ),
  )
  .map(program);

/** RUN-3.1, RUN-3.2: while the main thread's loop runs, a worker thread looks up the running loop, runs a loop of its own, looks again. */
const workerLoopWhileMainRuns = fc
  .tuple(
    seq({ op: 'peek_running_loop' }, { op: 'get_running_loop' }),
    seq({ op: 'get_running_loop' }, { op: 'peek_running_loop' }, { op: 'get_event_loop' }),
    seq({ op: 'peek_running_loop' }),
  )
  .chain(([before, inLoop, after]) =>
    seq(
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          {
            op: 'start_thread',
            thread: 'T1',
            body: [...before, { op: 'new_event_loop', as: 'L2' }, { op: 'run_until_complete', loop: 'L2', body: inLoop }, ...after],
          },
          { op: 'join_thread', thread: 'T1' },
          { op: 'peek_running_loop' },
        ],
      },
    ),
  )
  .map(program);

/** SCHED-3.2: a worker thread schedules a callback with call_soon_threadsafe; the callback asks where it runs. */
const threadsafeWhere = fc
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
const scheduleOnClosed = (...ops: Array<'call_soon' | 'call_later' | 'call_soon_threadsafe'>): Arb<Program> =>
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
const refusedAsyncioRun = fc
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
const afterAsyncioRun = fc
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
const runningLookups = seq(
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
const currentTaskOutside = fc
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
 * The shapes that reach each clause the families reach too rarely: a clause may name several,
 * a shape may serve several clauses. Each entry weighs one in its rule's programs unless it
 * says otherwise (more, where the census found the clause reached too rarely at some seeds).
 */
export const CLAUSE_SHAPES: ReadonlyArray<{ clause: string; shape: Arb<Program>; weight?: number }> = [
  { clause: 'ARUN-2.1', shape: leftoverTasks },
  { clause: 'ARUN-2.2', shape: leftoverTasks },
  { clause: 'ARUN-2.3', shape: leftoverTasks },
  { clause: 'ARUN-3.1', shape: refusedAsyncioRun },
  { clause: 'ARUN-3.2', shape: refusedAsyncioRun },
  { clause: 'ARUN-4.1', shape: afterAsyncioRun },
  { clause: 'EXEC-1.2', shape: executorThread },
  { clause: 'EXEC-2.2', shape: executorLookup },
  { clause: 'FORK-1.1', shape: forkInRunningLoop },
  { clause: 'FORK-1.2', shape: forkInRunningLoop },
  { clause: 'FORK-1.3', shape: forkInRunningLoop },
  { clause: 'FORK-2.2', shape: forkLoopSet, weight: 2 },
  { clause: 'FORK-2.3', shape: forkCleared, weight: 3 },
  { clause: 'FORK-2.4', shape: forkFresh, weight: 6 },
  { clause: 'FORK-2.5', shape: forkFromWorker, weight: 4 },
  { clause: 'GET-2.1', shape: closedSetLoop },
  { clause: 'GET-2.2', shape: closedSetLoop },
  { clause: 'GET-4.1', shape: setNoneCalls },
  { clause: 'GET-4.3', shape: mainThreadNamePrograms },
  { clause: 'LIFE-1.2', shape: rerun },
  { clause: 'LIFE-1.3', shape: rerun },
  { clause: 'LIFE-2.1', shape: closedRun('until') },
  { clause: 'LIFE-2.2', shape: closedRun('forever'), weight: 2 },
  { clause: 'LIFE-2.3', shape: closedRun('until') },
  { clause: 'LIFE-3.1', shape: refusedRun('until', 'L1') },
  { clause: 'LIFE-3.2', shape: refusedRun('forever', 'L1'), weight: 2 },
  { clause: 'LIFE-3.3', shape: refusedRun('until', 'L1') },
  { clause: 'LIFE-4.1', shape: refusedRun('until', 'L2') },
  { clause: 'LIFE-4.2', shape: refusedRun('forever', 'L2'), weight: 2 },
  { clause: 'LIFE-4.3', shape: refusedRun('until', 'L2') },
  { clause: 'LIFE-6.1', shape: lifecycleQueries },
  { clause: 'LIFE-6.4', shape: lifecycleQueries },
  { clause: 'LIFE-8.2', shape: stopRerunPrograms },
  { clause: 'LIFE-8.3', shape: stopRerunPrograms },
  { clause: 'NEW-3.3', shape: setLoopCalls },
  { clause: 'NEW-4.1', shape: setNoneCalls },
  { clause: 'NEW-4.2', shape: setNoneCalls },
  { clause: 'NEW-5.2', shape: setBadCalls },
  { clause: 'NEW-5.3', shape: setBadCalls },
  { clause: 'POL-1.2', shape: policyInChild },
  { clause: 'POL-2.3', shape: policyAfresh },
  { clause: 'POL-2.4', shape: policyAfresh, weight: 2 },
  { clause: 'RUN-1.1', shape: runningLookups },
  { clause: 'RUN-1.2', shape: noRunningLookups },
  { clause: 'RUN-2.1', shape: runningLookups },
  { clause: 'RUN-2.2', shape: noRunningLookups },
  { clause: 'RUN-3.1', shape: workerLoopWhileMainRuns },
  { clause: 'RUN-3.2', shape: workerLoopWhileMainRuns },
  { clause: 'SCHED-3.2', shape: threadsafeWhere },
  { clause: 'SCHED-4.1', shape: scheduleOnClosed('call_soon', 'call_later') },
  { clause: 'SCHED-4.2', shape: scheduleOnClosed('call_soon_threadsafe') },
  { clause: 'TASK-1.1', shape: createTaskOutsideLoop, weight: 2 },
  { clause: 'TASK-1.3', shape: taskStartPrograms, weight: 3 },
  { clause: 'TASK-3.2', shape: currentTaskSteps },
  { clause: 'TASK-4.1', shape: currentTaskOutside },
  { clause: 'TASK-4.2', shape: currentTaskInCallbackPrograms },
];

/**
 * A rule's programs with the shapes of its clauses added, by the entries' weights; the rule's own
 * programs weigh one for each clause that has no entry (they are what reaches those), and at
 * least one.
 */
export function withShapes(clauses: readonly string[], programs: Arb<Program>): Arb<Program> {
  const entries = CLAUSE_SHAPES.filter((x) => clauses.includes(x.clause));
  if (entries.length === 0) return programs;
  const own = Math.max(1, clauses.filter((c) => !entries.some((x) => x.clause === c)).length);
  return fc.oneof({ weight: own, arbitrary: programs }, ...entries.map(({ shape, weight }) => ({ weight: weight ?? 1, arbitrary: shape })));
}
