/**
 * Fork and thread shapes the broad families never make: a loop created and run inside a fork
 * child, the parent's lookups after a fork returns (at the top level and inside a running
 * loop), forks from a worker thread (whose copy is the child's main thread), and worker
 * threads named like the main thread ('MainThread'), which only
 * `threading.current_thread() is threading.main_thread()` tells apart (GET-3, GET-4).
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { findingLeaf, flagged, keeps, program, removable, st } from './blocks.ts';

/** What a body looks up about loops, without changing anything. */
const look = (loop: string): fc.Arbitrary<Stmt> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(st({ op: 'get_event_loop' })) },
    { weight: 3, arbitrary: fc.constant(st({ op: 'get_running_loop' })) },
    { weight: 3, arbitrary: fc.constant(st({ op: 'peek_running_loop' })) },
    { weight: 1, arbitrary: fc.constant(st({ op: 'current_thread' })) },
    { weight: 1, arbitrary: fc.constant(st({ op: 'is_running', loop })) },
  );

/** How the parent's main thread stands before it forks: its current loop and set-called flag. */
const parentSetup = fc.constantFrom<Stmt[][]>(
  [],
  [{ op: 'new_event_loop', as: 'L1' }],
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'set_event_loop', arg: 'L1' },
  ],
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'set_event_loop', arg: null },
  ],
  [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'get_event_loop', as: 'L2' },
  ],
);

/** Forks whose child creates a loop C1 and runs it: new_event_loop, run_until_complete, lookups inside and after. */
export const forkChildLoopPrograms = fc
  .tuple(
    parentSetup,
    fc.array(findingLeaf(fc.constant('C2')), { maxLength: 2 }),
    fc.boolean(),
    fc.array(look('C1'), { minLength: 1, maxLength: 4 }),
    fc.array(fc.oneof(look('C1'), fc.constant(st({ op: 'is_closed', loop: 'C1' }))), { maxLength: 3 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([setup, before, setC1, inside, after, closeC1, inLoop]) => {
    const child: Stmt[] = [
      ...before,
      { op: 'new_event_loop', as: 'C1' },
      ...(setC1 ? [st({ op: 'set_event_loop', arg: 'C1' })] : []),
      { op: 'run_until_complete', loop: 'C1', body: inside },
      ...after,
      ...(closeC1 ? [st({ op: 'close', loop: 'C1' })] : []),
    ];
    const fork: Stmt = { op: 'fork', body: child };
    const main = setup.length > 0 ? setup : [st({ op: 'new_event_loop', as: 'L1' })];
    return program([...main, inLoop ? { op: 'run_until_complete', loop: 'L1', body: [fork] } : fork]);
  });

/** The parent's lookups once the fork statement returns, at the top level or inside a running loop. */
export const afterForkParentPrograms = fc
  .tuple(
    parentSetup,
    fc.array(findingLeaf(fc.constant('C1')), { maxLength: 2 }),
    fc.array(look('L1'), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.array(look('L1'), { maxLength: 2 }),
  )
  .map(([setup, child, afterFork, inLoop, afterRun]) => {
    const fork: Stmt = { op: 'fork', body: child };
    const main = setup.length > 0 ? setup : [st({ op: 'new_event_loop', as: 'L1' })];
    const forked: Stmt[] = inLoop ? [{ op: 'run_until_complete', loop: 'L1', body: [fork, ...afterFork] }] : [fork, ...afterFork];
    return program([...main, ...forked, ...afterRun]);
  });

/**
 * Worker threads named 'MainThread' (beside one named T1): the seed's pattern (create, set,
 * run, close a loop) after a first get_event_loop, which must raise there (GET-4).
 */
export const mainThreadNamePrograms = fc
  .tuple(
    fc.constantFrom(['MainThread'], ['MainThread', 'T1'], ['T1', 'MainThread']),
    fc.array(fc.constantFrom<Stmt>({ op: 'get_event_loop' }, { op: 'set_event_loop', arg: null }, { op: 'current_thread' }), {
      maxLength: 2,
    }),
    fc.boolean(),
    fc.array(fc.constantFrom<Stmt>({ op: 'get_event_loop' }, { op: 'current_thread' }), { maxLength: 2 }),
    fc.boolean(),
    // Keep-flags for each thread's fixed statements, so that shrinking can drop any of them.
    fc.tuple(keeps(8), keeps(8)),
  )
  .map(([names, first, seed, mainAfter, joinEach, flags]) => {
    const starts = names.map((t, i): Stmt => {
      const L = `${t === 'MainThread' ? 'M' : t}L`;
      const keep = flagged(flags[i]);
      const pattern: Stmt[] = seed
        ? [
            ...keep({ op: 'new_event_loop', as: L }),
            ...keep({ op: 'set_event_loop', arg: L }),
            {
              op: 'run_until_complete',
              loop: L,
              body: [...keep({ op: 'get_running_loop' }), ...keep({ op: 'get_event_loop' }), ...keep({ op: 'current_thread' })],
            },
            ...keep({ op: 'get_event_loop' }),
            ...keep({ op: 'close', loop: L }),
          ]
        : [];
      return { op: 'start_thread', thread: t, body: [...keep({ op: 'get_event_loop' }), ...first, ...pattern] };
    });
    const joins = names.map((t): Stmt => ({ op: 'join_thread', thread: t }));
    const threads = joinEach ? starts.flatMap((s, i) => [s, joins[i]]) : [...starts, ...joins];
    return program([...threads, ...mainAfter]);
  });

/** Drawn statements, each removable (so that even an array drawn non-empty can shrink to nothing). */
const present = (stmts: Array<Stmt | null>): Stmt[] => stmts.filter((s): s is Stmt => s !== null);

/**
 * Forks from a worker thread that its starter joined at once (so nothing races with it): the
 * worker's own loop state before the fork, what the child sees (it is the child's main thread,
 * FORK-2), a loop run in the child, and the worker's lookups once the fork returns. Every
 * statement is removable.
 */
export const forkFromWorkerPrograms = fc
  .tuple(
    fc.constantFrom<Stmt[]>(
      [
        { op: 'new_event_loop', as: 'L3' },
        { op: 'set_event_loop', arg: 'L3' },
      ],
      [
        { op: 'new_event_loop', as: 'L3' },
        { op: 'set_event_loop', arg: null },
      ],
      [{ op: 'new_event_loop', as: 'L3' }],
    ),
    fc.array(removable(fc.oneof(look('L3'), fc.constant(st({ op: 'get_policy' })))), { minLength: 1, maxLength: 3 }),
    fc.option(fc.array(removable(look('C1')), { minLength: 1, maxLength: 2 }), { freq: 2 }),
    fc.boolean(),
    fc.array(look('L3'), { maxLength: 2 }),
    fc.array(fc.constantFrom<Stmt>({ op: 'get_event_loop' }, { op: 'current_thread' }), { maxLength: 2 }),
    // Keep-flags for the fixed statements (the setup, the child's loop, the fork, the thread and its join).
    keeps(7),
  )
  .map(([setup, child, run, inLoop, after, mainAfter, flags]) => {
    const keep = flagged(flags);
    const worker = setup.flatMap((s) => keep(s));
    const childRun: Stmt[] = run
      ? [...keep({ op: 'new_event_loop', as: 'C1' }), ...keep({ op: 'run_until_complete', loop: 'C1', body: present(run) })]
      : [];
    const fork = keep({ op: 'fork', body: [...present(child), ...childRun] });
    const forked: Stmt[] = inLoop ? [{ op: 'run_until_complete', loop: 'L3', body: [...fork, ...after] }] : [...fork, ...after];
    return program([
      ...keep({ op: 'start_thread', thread: 'T1', body: [...worker, ...forked] }),
      ...keep({ op: 'join_thread', thread: 'T1' }),
      ...mainAfter,
    ]);
  });
