/**
 * fast-check arbitraries for programs. Building blocks (statements by context) and families
 * of programs, each biased toward one area of the spec so that its rules are reached often.
 * Every program is meaningful whatever fast-check shrinks it to (unbound variables are an
 * observation of their own, see program.ts), and programs outside the deterministic part of
 * the language are filtered out by the properties (see properties.ts).
 */
import fc from 'fast-check';
import type { Plain, Program, Stmt } from './program.ts';

type Arb<T> = fc.Arbitrary<T>;

export const mainLoop = fc.constantFrom('L1', 'L2');
const tag = fc.constantFrom('a', 'b', 'c', 'd', 'e');
/** Delays far apart, so that real interpreters order timers as the model does. */
const delay = fc.constantFrom(0, 0.05, 0.1);
const plain: Arb<Plain> = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9 }), fc.constantFrom('x', 'y'));

const st = <S extends Stmt>(s: S): S => s;

// ---- leaves ------------------------------------------------------------------------------

/** Finding and binding loops: no nested body. */
export function findingLeaf(loops: Arb<string> = mainLoop): Arb<Stmt> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(st({ op: 'get_event_loop' })) },
    { weight: 2, arbitrary: fc.constant(st({ op: 'get_running_loop' })) },
    { weight: 2, arbitrary: fc.constant(st({ op: 'peek_running_loop' })) },
    { weight: 2, arbitrary: loops.map((as) => st({ op: 'new_event_loop', as })) },
    { weight: 3, arbitrary: fc.oneof(loops, fc.constant(null), fc.constant(42)).map((arg) => st({ op: 'set_event_loop', arg })) },
    { weight: 1, arbitrary: fc.constant(st({ op: 'get_policy' })) },
  );
}

function lifecycleLeaf(loops: Arb<string>): Arb<Stmt> {
  return fc.oneof(
    loops.map((loop) => st({ op: 'is_running', loop })),
    loops.map((loop) => st({ op: 'is_closed', loop })),
    loops.map((loop) => st({ op: 'close', loop })),
    loops.map((loop) => st({ op: 'stop', loop })),
  );
}

const markStmt = tag.map((t) => st({ op: 'mark', tag: t }));
const ending: Arb<Stmt> = fc.oneof(
  plain.map((value) => st({ op: 'return', value })),
  fc.constantFrom('boom', 'bad').map((message) => st({ op: 'raise', message })),
);

// ---- bodies --------------------------------------------------------------------------------

interface Mix {
  finding: number;
  lifecycle: number;
  nested: number;
  scheduling: number;
  tasks: number;
  threads: number;
}

const FLAT: Mix = { finding: 3, lifecycle: 2, nested: 1, scheduling: 1, tasks: 1, threads: 0 };

/** A statement for a sync body (main, callback) of the given mix, `depth` levels of nesting left. */
function syncStmt(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt> {
  const options: Array<{ weight: number; arbitrary: Arb<Stmt> }> = [
    { weight: mix.finding, arbitrary: findingLeaf(loops) },
    { weight: mix.lifecycle, arbitrary: lifecycleLeaf(loops) },
    { weight: 1, arbitrary: markStmt },
  ];
  if (depth > 0) {
    const coro = coroBody(mix, depth - 1, loops);
    const cb = callbackBody(mix, depth - 1, loops);
    options.push(
      { weight: mix.nested * 2, arbitrary: fc.tuple(loops, coro).map(([loop, body]) => st({ op: 'run_until_complete', loop, body })) },
      { weight: mix.nested, arbitrary: coro.map((body) => st({ op: 'asyncio_run', body })) },
      { weight: mix.scheduling, arbitrary: fc.tuple(loops, cb).map(([loop, body]) => st({ op: 'call_soon', loop, body })) },
      { weight: mix.scheduling, arbitrary: fc.tuple(loops, delay, cb).map(([loop, d, body]) => st({ op: 'call_later', loop, delay: d, body })) },
      { weight: mix.scheduling, arbitrary: loops.map((loop) => st({ op: 'run_forever', loop })) },
    );
  }
  return fc.oneof(...options.filter((o) => o.weight > 0));
}

/** A callback: usually a mark first (ordering rules read it), then a few statements. */
export function callbackBody(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt[]> {
  return fc.tuple(markStmt, fc.array(syncStmt({ ...mix, nested: Math.floor(mix.nested / 2) }, depth, loops), { maxLength: 2 })).map(([m, rest]) => [m, ...rest]);
}

function coroStmt(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt> {
  const options: Array<{ weight: number; arbitrary: Arb<Stmt> }> = [
    { weight: 4, arbitrary: syncStmt(mix, depth, loops) },
    { weight: mix.tasks, arbitrary: fc.constant(st({ op: 'current_task' })) },
    { weight: mix.tasks, arbitrary: fc.constantFrom(0, 0, 0.05).map((d) => st({ op: 'sleep', delay: d })) },
    { weight: mix.tasks, arbitrary: fc.constantFrom('K1', 'K2').map((task) => st({ op: 'await', task })) },
    { weight: Math.ceil(mix.tasks / 2), arbitrary: fc.constantFrom('K1', 'K2').map((task) => st({ op: 'task_state', task })) },
  ];
  if (depth > 0) {
    options.push({
      weight: mix.tasks,
      arbitrary: fc.tuple(fc.constantFrom('K1', 'K2'), coroBody(mix, depth - 1, loops)).map(([as, body]) => st({ op: 'create_task', as, body })),
    });
    options.push({ weight: mix.threads, arbitrary: executorBody().map((body) => st({ op: 'run_in_executor', body })) });
  }
  return fc.oneof(...options.filter((o) => o.weight > 0));
}

/** A coroutine body: statements, sometimes ended by return or raise. */
export function coroBody(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt[]> {
  return fc
    .tuple(fc.array(coroStmt(mix, depth, loops), { maxLength: 4 }), fc.option(ending, { freq: 3 }))
    .map(([body, end]) => (end ? [...body, end] : body));
}

/** The function given to run_in_executor: what it sees of loops, then its outcome. */
export function executorBody(): Arb<Stmt[]> {
  const look = fc.constantFrom<Stmt>(
    { op: 'current_thread' },
    { op: 'get_event_loop' },
    { op: 'get_running_loop' },
    { op: 'peek_running_loop' },
  );
  return fc.tuple(fc.array(look, { minLength: 1, maxLength: 3 }), ending).map(([b, e]) => [...b, e]);
}

// ---- programs ------------------------------------------------------------------------------

const program = (main: Stmt[]): Program => ({ version: 1, main });

/** Loops bound first, so most references resolve. */
const prelude = fc.array(mainLoop, { minLength: 1, maxLength: 2 }).map((names) => [...new Set(names)].map((as) => st({ op: 'new_event_loop', as })));

/** Top-level statement soup of one mix. */
export function soup(mix: Mix, maxLength = 6): Arb<Program> {
  return fc.tuple(prelude, fc.array(syncStmt(mix, 2, mainLoop), { minLength: 1, maxLength })).map(([pre, body]) => program([...pre, ...body]));
}

/** Finding loops from the main thread: policy, current loop, implicit creation. */
export const findingPrograms = soup({ ...FLAT, finding: 6, lifecycle: 1, nested: 1, scheduling: 0, tasks: 0 });

/** Finding loops with policies replaced. */
export const policyPrograms = fc
  .tuple(prelude, fc.array(fc.oneof(findingLeaf(), fc.constantFrom<Stmt>({ op: 'set_policy', arg: 'new' }, { op: 'set_policy', arg: null }, { op: 'set_policy', arg: 7 })), { minLength: 2, maxLength: 7 }))
  .map(([pre, body]) => program([...pre, ...body]));

/** Running, stopping, closing, nesting loops. */
export const lifecyclePrograms = soup({ ...FLAT, finding: 1, lifecycle: 4, nested: 3, scheduling: 1, tasks: 0 });

/** Callbacks and timers on one or two loops, run by run_forever with a stop scheduled. */
export const schedulingPrograms = fc
  .tuple(
    prelude,
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.tuple(mainLoop, callbackBody({ ...FLAT, nested: 0, lifecycle: 1 }, 0, mainLoop)).map(([loop, body]) => st({ op: 'call_soon', loop, body })) },
        { weight: 3, arbitrary: fc.tuple(mainLoop, delay, callbackBody({ ...FLAT, nested: 0, lifecycle: 1 }, 0, mainLoop)).map(([loop, d, body]) => st({ op: 'call_later', loop, delay: d, body })) },
        { weight: 1, arbitrary: mainLoop.map((loop) => st({ op: 'stop', loop })) },
        { weight: 1, arbitrary: mainLoop.map((loop) => st({ op: 'close', loop })) },
      ),
      { minLength: 1, maxLength: 6 },
    ),
    fc.array(fc.tuple(mainLoop, fc.constantFrom('forever', 'until')), { minLength: 1, maxLength: 2 }),
  )
  .map(([pre, scheduled, runs]) =>
    program([
      ...pre,
      ...scheduled,
      ...runs.flatMap(([loop, how]): Stmt[] =>
        how === 'forever'
          ? [{ op: 'call_later', loop, delay: 0.2, body: [{ op: 'stop', loop }] }, { op: 'run_forever', loop }]
          : [{ op: 'run_until_complete', loop, body: [{ op: 'sleep', delay: 0.2 }] }],
      ),
    ]),
  );

/** Tasks inside asyncio.run or run_until_complete. */
export const taskPrograms = fc
  .tuple(prelude, fc.boolean(), coroBody({ ...FLAT, finding: 1, lifecycle: 0, nested: 0, scheduling: 1, tasks: 5 }, 2, mainLoop), fc.array(fc.constantFrom<Stmt>({ op: 'task_state', task: 'K1' }, { op: 'task_state', task: 'K2' }, { op: 'current_task' }), { maxLength: 2 }))
  .map(([pre, viaRun, body, after]) => program([...pre, viaRun ? { op: 'asyncio_run', body } : { op: 'run_until_complete', loop: 'L1', body }, ...after]));

/** The seed's pattern: worker threads that each create, set, run and close a loop. */
export const workerThreadPrograms = fc
  .tuple(
    fc.array(fc.constantFrom('T1', 'T2', 'T3'), { minLength: 1, maxLength: 3 }).map((ts) => [...new Set(ts)]),
    fc.array(fc.oneof(findingLeaf(fc.constant('X')), fc.constant(st({ op: 'current_thread' }))), { maxLength: 3 }),
    fc.boolean(),
    fc.array(findingLeaf(), { maxLength: 2 }),
    fc.boolean(),
  )
  .map(([names, inside, withFinally, mainAfter, mainFirst]) => {
    const starts: Stmt[] = names.map((t) => {
      const L = `${t}L`;
      const inner = inside.map((s) => (s.op === 'new_event_loop' ? { ...s, as: `${t}M` } : s.op === 'set_event_loop' && typeof s.arg === 'string' ? { ...s, arg: L } : s));
      const body: Stmt[] = [
        { op: 'get_event_loop' },
        { op: 'new_event_loop', as: L },
        { op: 'set_event_loop', arg: L },
        { op: 'run_until_complete', loop: L, body: [{ op: 'get_running_loop' }, { op: 'get_event_loop' }, ...inner] },
        { op: 'get_event_loop' },
        ...(withFinally ? [{ op: 'close', loop: L } as Stmt] : []),
        { op: 'is_closed', loop: L },
      ];
      return { op: 'start_thread', thread: t, body };
    });
    const joins: Stmt[] = names.map((t) => ({ op: 'join_thread', thread: t }));
    const checks: Stmt[] = names.flatMap((t) => [{ op: 'is_closed', loop: `${t}L` } as Stmt, { op: 'is_running', loop: `${t}L` } as Stmt]);
    // The main thread's own loop, set before the workers start, stays its current loop.
    const own: Stmt[] = mainFirst ? [{ op: 'new_event_loop', as: 'L1' }, { op: 'set_event_loop', arg: 'L1' }] : [];
    return program([...own, ...starts, ...joins, ...checks, ...(mainFirst ? [{ op: 'get_event_loop' } as Stmt] : []), ...mainAfter]);
  });

/** Threads and executors meeting a running loop: call_soon_threadsafe, run_in_executor. */
export const crossThreadPrograms = fc
  .tuple(
    fc.constantFrom('forever', 'until'),
    fc.array(fc.constantFrom<Stmt>({ op: 'current_thread' }, { op: 'peek_running_loop' }, { op: 'get_event_loop' }, { op: 'get_running_loop' }), { maxLength: 2 }),
    fc.array(fc.constantFrom<Stmt>({ op: 'peek_running_loop' }, { op: 'get_running_loop' }, { op: 'get_event_loop' }, { op: 'current_thread' }), { maxLength: 2 }),
    fc.array(executorBody(), { maxLength: 2 }),
    tag,
  )
  .map(([how, inCallback, inThread, executors, t]) => {
    const wake: Stmt = {
      op: 'start_thread',
      thread: 'T1',
      body: [...inThread, { op: 'call_soon_threadsafe', loop: 'L1', body: [{ op: 'mark', tag: t }, ...inCallback, ...(how === 'forever' ? [{ op: 'stop', loop: 'L1' } as Stmt] : [])] }],
    };
    const main: Stmt[] =
      how === 'forever'
        ? [{ op: 'new_event_loop', as: 'L1' }, { op: 'call_soon', loop: 'L1', body: [wake] }, { op: 'run_forever', loop: 'L1' }, { op: 'join_thread', thread: 'T1' }]
        : [
            { op: 'new_event_loop', as: 'L1' },
            { op: 'run_until_complete', loop: 'L1', body: [...executors.map((body): Stmt => ({ op: 'run_in_executor', body })), wake, { op: 'sleep', delay: 0.05 }, { op: 'join_thread', thread: 'T1' }] },
          ];
    return program(main);
  });

/** Forks from the main thread, inside and outside a running loop. */
export const forkPrograms = fc
  .tuple(prelude, fc.array(findingLeaf(), { maxLength: 3 }), fc.array(fc.oneof(findingLeaf(fc.constant('C1')), mainLoop.map((loop) => st({ op: 'is_running', loop }))), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([pre, before, child, inLoop]) => {
    const fork: Stmt = { op: 'fork', body: child };
    return program([...pre, ...before, inLoop ? { op: 'run_until_complete', loop: 'L1', body: [fork] } : fork]);
  });

/** asyncio.run among the other loop-finding statements. */
export const asyncioRunPrograms = fc
  .tuple(prelude, fc.array(findingLeaf(), { maxLength: 3 }), coroBody({ ...FLAT, finding: 3, nested: 2, tasks: 2, lifecycle: 0, scheduling: 0 }, 1, mainLoop), fc.array(fc.oneof(findingLeaf(), fc.constantFrom<Stmt>({ op: 'is_closed', loop: 'R' }, { op: 'task_state', task: 'K1' })), { minLength: 1, maxLength: 3 }))
  .map(([pre, before, body, after]) => program([...pre, ...before, { op: 'asyncio_run', body: [{ op: 'get_running_loop', as: 'R' }, ...body] }, ...after]));

// ---- targeted families: each makes one rule's situation common ---------------------------------

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
  .map(([pre, between]) => program([...pre, { op: 'get_event_loop', as: 'L3' }, { op: 'close', loop: 'L3' }, ...between, { op: 'get_event_loop' }]));

/** A task is created and its creator goes on: the task's first step comes after. */
export const taskStartPrograms = fc
  .tuple(fc.boolean(), fc.array(markStmt, { minLength: 1, maxLength: 3 }), fc.array(fc.oneof(markStmt, fc.constant(st({ op: 'sleep', delay: 0 }))), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([viaRun, taskBody, creatorRest, awaitIt]) => {
    const body: Stmt[] = [{ op: 'create_task', as: 'K1', body: taskBody }, ...creatorRest, ...(awaitIt ? [{ op: 'await', task: 'K1' } as Stmt] : [])];
    return program([{ op: 'new_event_loop', as: 'L1' }, viaRun ? { op: 'asyncio_run', body } : { op: 'run_until_complete', loop: 'L1', body }]);
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
        body: [{ op: 'create_task', as: 'K1', body: [{ op: 'sleep', delay: 0 }, end] }, ...Array.from({ length: times }, (): Stmt => ({ op: 'await', task: 'K1' })), { op: 'task_state', task: 'K1' }],
      },
    ]),
  );

/** The policy's identity around what might replace it: a fork, a thread, set_event_loop_policy. */
export const policyIdentityPrograms = fc
  .tuple(fc.constantFrom('fork', 'thread', 'none', 'new'), anyFinding)
  .map(([between, extra]) => {
    const middle: Stmt[] =
      between === 'fork'
        ? [{ op: 'fork', body: [{ op: 'get_policy' }, { op: 'get_event_loop' }] }]
        : between === 'thread'
          ? [{ op: 'start_thread', thread: 'T1', body: [{ op: 'get_policy' }] }, { op: 'join_thread', thread: 'T1' }]
          : [{ op: 'set_policy', arg: between === 'none' ? null : 'new' }];
    return program([{ op: 'get_policy' }, ...extra, ...middle, { op: 'get_policy' }, { op: 'get_policy' }]);
  });

/** get_event_loop inside a running loop that is not the thread's current loop. */
export const runningNotCurrentPrograms = fc
  .tuple(fc.boolean(), anyFinding)
  .map(([viaCallback, inside]) => {
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
      ...(inside ? [{ op: 'run_until_complete', loop, body: [{ op: 'close', loop }, { op: 'is_closed', loop }] } as Stmt] : []),
      { op: 'close', loop },
      ...between,
      { op: 'close', loop },
      { op: 'is_closed', loop },
    ]),
  );

/** A loop is closed, maybe among other statements, then run. */
export const closedRunPrograms = fc
  .tuple(lifecyclePrograms, mainLoop, fc.constantFrom('until', 'forever'))
  .map(([p, loop, how]) => program([...p.main, { op: 'close', loop }, how === 'until' ? { op: 'run_until_complete', loop, body: [{ op: 'mark', tag: 'a' }] } : { op: 'run_forever', loop }]));

/** A coroutine stops its own loop, then waits: run_until_complete returns early. */
export const stoppedEarlyPrograms = fc
  .tuple(prelude, fc.array(markStmt, { maxLength: 2 }), fc.constantFrom(0, 0.05), fc.array(findingLeaf(), { maxLength: 2 }))
  .map(([pre, before, d, after]) =>
    program([...pre, { op: 'run_until_complete', loop: 'L1', body: [...before, { op: 'stop', loop: 'L1' }, { op: 'sleep', delay: d }, { op: 'sleep', delay: 0.1 }, { op: 'return', value: 1 }] }, ...after, { op: 'is_running', loop: 'L1' }]),
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
      ...cbs.map(([kind, d, t]): Stmt => (kind === 'soon' ? { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: t }] } : { op: 'call_later', loop: 'L1', delay: d, body: [{ op: 'mark', tag: t }] })),
      ...(how === 'forever'
        ? [{ op: 'call_later', loop: 'L1', delay: 0.2, body: [{ op: 'stop', loop: 'L1' }] } as Stmt, { op: 'run_forever', loop: 'L1' } as Stmt]
        : [{ op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0.2 }] } as Stmt]),
    ]),
  );

/** A loop runs and returns, then the thread asks what is running and what is current. */
export const afterRunPrograms = fc
  .tuple(fc.constantFrom('until', 'forever', 'asyncio.run'), fc.array(fc.constantFrom<Stmt>({ op: 'peek_running_loop' }, { op: 'get_running_loop' }, { op: 'get_event_loop' }, { op: 'current_task' }), { minLength: 1, maxLength: 4 }))
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
    fc.array(fc.oneof(fc.constantFrom<Stmt>({ op: 'set_event_loop', arg: null }, { op: 'set_event_loop', arg: 42 }, { op: 'set_event_loop', arg: 'L1' }, { op: 'get_event_loop' }, { op: 'get_event_loop' })), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
  )
  .map(([steps, inThread]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      ...steps,
      { op: 'get_event_loop' },
      ...(inThread ? [{ op: 'start_thread', thread: 'T1', body: [{ op: 'get_event_loop' }] } as Stmt, { op: 'join_thread', thread: 'T1' } as Stmt] : []),
    ]),
  );

/** stop() before the loop runs: run_forever runs one iteration; run_until_complete stops early. */
export const stopFirstPrograms = fc
  .tuple(fc.array(markStmt, { minLength: 1, maxLength: 3 }), fc.constantFrom('forever', 'until'))
  .map(([marks, how]) =>
    program([
      { op: 'new_event_loop', as: 'L1' },
      ...marks.map((m): Stmt => ({ op: 'call_soon', loop: 'L1', body: [m, { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'late' }] }] })),
      { op: 'stop', loop: 'L1' },
      how === 'forever' ? { op: 'run_forever', loop: 'L1' } : { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0.05 }, { op: 'return', value: 1 }] },
      { op: 'is_running', loop: 'L1' },
    ]),
  );

/** Several tasks that each mark, sleep(0), and mark again: round-robin order. */
export const roundRobinPrograms = fc
  .tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 }))
  .map(([tasks, rounds]) => {
    const body = (k: number): Stmt[] => Array.from({ length: rounds }, (_, r): Stmt[] => [{ op: 'mark', tag: `t${k}r${r}` }, { op: 'sleep', delay: 0 }]).flat();
    const creates = Array.from({ length: tasks }, (_, k): Stmt => ({ op: 'create_task', as: `K${k + 1}`, body: [...body(k), { op: 'return', value: k }] }));
    return program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body: [...creates, { op: 'mark', tag: 'main' }, { op: 'sleep', delay: 0 }, ...creates.map((_, k): Stmt => ({ op: 'await', task: `K${k + 1}` })), { op: 'task_state', task: 'K1' }] },
    ]);
  });

/** A loop becomes current (set, or created implicitly), then new loops are made, then it is asked for. */
export const newAfterSetPrograms = fc
  .tuple(fc.constantFrom<Stmt>({ op: 'set_event_loop', arg: 'L1' }, { op: 'get_event_loop' }, { op: 'set_event_loop', arg: null }), fc.integer({ min: 1, max: 2 }), fc.boolean())
  .map(([current, news, inThread]) => {
    const body: Stmt[] = [
      { op: 'new_event_loop', as: 'L1' },
      current,
      ...Array.from({ length: news }, (_, i): Stmt => ({ op: 'new_event_loop', as: `N${i + 1}` })),
      { op: 'get_event_loop' },
    ];
    return program(inThread ? [{ op: 'start_thread', thread: 'T1', body }, { op: 'join_thread', thread: 'T1' }] : body);
  });

/** One thread sets or creates its loop; the other thread then asks for its own. */
export const loopsPerThreadPrograms = fc
  .tuple(fc.constantFrom<Stmt[]>([{ op: 'new_event_loop', as: 'W' }, { op: 'set_event_loop', arg: 'W' }], [{ op: 'get_event_loop' }], [{ op: 'set_event_loop', arg: null }]), fc.boolean())
  .map(([setup, workerFirst]) => {
    const worker: Stmt[] = [{ op: 'start_thread', thread: 'T1', body: [...(workerFirst ? setup : []), { op: 'get_event_loop' }] }, { op: 'join_thread', thread: 'T1' }];
    const main: Stmt[] = [...(workerFirst ? [] : setup), { op: 'get_event_loop' }];
    return program(workerFirst ? [...worker, ...main] : [...main, ...worker]);
  });
