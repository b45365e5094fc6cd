/**
 * Program shapes that reach clauses of the policy, lookup, set_event_loop, running-loop and
 * fork rules, each named by the clauses it reaches (reach-clauses.ts lists them by clause).
 * Fixed statements are removable (blocks.ts).
 */
import fc from 'fast-check';
import type { Program, Stmt } from '../../language/program.ts';
import type { Arb } from './blocks.ts';
import { flagged, keeps, pick, program, seq } from './blocks.ts';

export const setLoop: Stmt[] = [
  { op: 'new_event_loop', as: 'L1' },
  { op: 'set_event_loop', arg: 'L1' },
];

/** FORK-1.x: a fork from inside a running loop; the child looks for a running loop, asks the copy, runs a loop of its own. */
export const forkInRunningLoop = fc
  .tuple(
    seq({ op: 'peek_running_loop' }, { op: 'is_running', loop: 'L1' }, { op: 'get_running_loop' }),
    seq({ op: 'get_running_loop' }, { op: 'peek_running_loop' }),
    seq({ op: 'is_running', loop: 'L1' }),
    keeps(5),
  )
  .map(([child, inChildLoop, after, flags]) => {
    const keep = flagged(flags);
    const childLoop = [...keep({ op: 'new_event_loop', as: 'C1' }), ...keep({ op: 'run_until_complete', loop: 'C1', body: inChildLoop })];
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep({ op: 'run_until_complete', loop: 'L1', body: [...keep({ op: 'fork', body: [...child, ...childLoop] }), ...after] }),
    ]);
  });

/** GET-2.1, GET-2.2: the loop set for the thread is asked for, closed, then asked for again. */
export const closedSetLoop = seq(
  { op: 'new_event_loop', as: 'L1' },
  { op: 'set_event_loop', arg: 'L1' },
  { op: 'get_event_loop' },
  { op: 'close', loop: 'L1' },
  { op: 'get_event_loop' },
  { op: 'get_event_loop' },
).map(program);

/** set_event_loop calls in the main thread (each a choice of `calls`), then lookups there and in a worker thread. */
export const setCalls = (...calls: Stmt[][]): Arb<Program> =>
  fc
    .tuple(
      pick(...calls),
      seq({ op: 'get_event_loop' }, { op: 'get_event_loop' }),
      seq({ op: 'start_thread', thread: 'T1', body: [{ op: 'get_event_loop' }] }, { op: 'join_thread', thread: 'T1' }),
    )
    .map(([set, here, worker]) => program([...set, ...here, ...worker]));

/** NEW-3.3: a loop set in the main thread is not the worker's. */
export const setLoopCalls = setCalls(setLoop, [...setLoop, { op: 'get_event_loop' }]);
/** NEW-3.2: a second loop set replaces the first, looked up before and after. */
export const replacedSetLoop = setCalls([
  ...setLoop,
  { op: 'get_event_loop' },
  { op: 'new_event_loop', as: 'L2' },
  { op: 'set_event_loop', arg: 'L2' },
]);
/** NEW-3.1: set_event_loop of a closed loop, or of the loop running there: no check is made of the loop's state. */
export const setUncheckedLoop = setCalls(
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'close', loop: 'L1' },
    { op: 'set_event_loop', arg: 'L1' },
  ],
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'run_until_complete', loop: 'L1', body: [{ op: 'set_event_loop', arg: 'L1' }] },
  ],
);
/** NEW-4.x, GET-4.1: set_event_loop(None), with or without a loop set first. */
export const setNoneCalls = setCalls([{ op: 'set_event_loop', arg: null }], [...setLoop, { op: 'set_event_loop', arg: null }]);
/** NEW-5.1, NEW-5.3: set_event_loop(42) in a fresh thread, or set_event_loop(task): neither is a loop. */
export const setBadCalls = setCalls(
  [{ op: 'set_event_loop', arg: 42 }],
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'run_until_complete', loop: 'L1', body: [{ op: 'current_task', as: 'K1' }] },
    { op: 'set_event_loop', arg: 'K1' },
  ],
);
/** NEW-5.2: set_event_loop(42) after a loop was set: the loop stays. */
export const setBadAfterLoop = setCalls([...setLoop, { op: 'set_event_loop', arg: 42 }]);

/** RUN-1.2, RUN-2.2: the running loop looked up where none runs: the main thread (a loop set or not), a worker thread. */
export const noRunningLookups = fc
  .tuple(fc.constantFrom('main', 'set', 'thread'), seq({ op: 'get_running_loop' }, { op: 'peek_running_loop' }))
  .chain(([where, look]) => {
    if (where === 'main') return fc.constant<Stmt[]>(look);
    if (where === 'set') return fc.constant<Stmt[]>([...setLoop, ...look]);
    return seq({ op: 'start_thread', thread: 'T1', body: look }, { op: 'join_thread', thread: 'T1' });
  })
  .map(program);

/** POL-1.2: the policy asked for in a fork child. */
export const policyInChild = fc
  .tuple(seq({ op: 'get_policy' }), seq({ op: 'new_event_loop', as: 'L1' }), seq({ op: 'get_policy' }))
  .map(([before, loop, after]) =>
    program([...before, ...loop, { op: 'fork', body: [{ op: 'get_policy' }, { op: 'get_event_loop' }] }, ...after]),
  );

/** POL-2.3 (`new`, None), POL-2.4 (42): a loop set, the policy replaced, uninstalled or refused, then the main thread's lookups. */
export const policyAfresh = (...args: Array<'new' | null | number>): Arb<Program> =>
  fc
    .tuple(fc.constantFrom(...args), seq({ op: 'get_event_loop' }, { op: 'get_policy' }))
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
export const workerLoopWhileMainRuns = fc
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

/** GET-1.2: get_event_loop while a loop runs, then again after the run (a loop set before, or nothing). */
export const lookupWhileRunning = fc
  .tuple(pick([], setLoop), seq({ op: 'get_event_loop' }))
  .chain(([before, after]) =>
    seq(
      fc.constant(before),
      { op: 'new_event_loop', as: 'L2' },
      { op: 'run_until_complete', loop: 'L2', body: [{ op: 'get_event_loop' }] },
      { op: 'get_event_loop' },
      fc.constant(after),
    ),
  )
  .map(program);

const childLookups: Stmt = { op: 'fork', body: [{ op: 'get_event_loop' }, { op: 'get_event_loop' }] };
/** One thread's states in turn, each followed by a fork whose child looks up its loop: nothing set, a loop, None, asyncio.run. */
const statesAndForks = seq(
  childLookups,
  { op: 'new_event_loop', as: 'L3' },
  { op: 'set_event_loop', arg: 'L3' },
  childLookups,
  { op: 'set_event_loop', arg: null },
  childLookups,
  { op: 'asyncio_run', body: [] },
  childLookups,
);

/** FORK-2.1 to FORK-2.4: the main thread's states in turn, a fork after each. */
export const mainForks = statesAndForks.map(program);

/** FORK-2.5, FORK-2.6: a worker thread's states in turn, a fork after each; its starter joins it at once. */
export const workerForks = fc
  .tuple(statesAndForks, seq({ op: 'join_thread', thread: 'T1' }))
  .map(([body, join]) => program([{ op: 'start_thread', thread: 'T1', body }, ...join]));

/** GET-2.1 after a fork: the parent's set loop is still its loop once the fork returns. */
export const setLoopThenFork = seq(...setLoop, childLookups, { op: 'get_event_loop' }, { op: 'get_event_loop' }).map(program);

/** GET-4.2: a worker thread whose name Python's repr must quote or escape looks up its loop. */
export const quotedThreadName = fc
  .tuple(fc.constantFrom('T 1', "a'b", 'a"b', `a'"b`, 'a\\b', "\\'"), seq({ op: 'current_thread' }))
  .chain(([name, look]) =>
    seq({ op: 'start_thread', thread: name, body: [{ op: 'get_event_loop' }, ...look] }, { op: 'join_thread', thread: name }),
  )
  .map(program);
