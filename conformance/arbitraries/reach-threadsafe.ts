/**
 * RCT-1: run_coroutine_threadsafe and wrap_future. Four shapes. In the loop's own thread
 * (asyncio.run's coroutine): a coroutine handed to the running loop, CF read while pending
 * (RCT-1.1) and after its task ended (RCT-1.2), cancelled before its callback ran or while its
 * task sleeps, or once done (RCT-1.3), or left to asyncio.run, which cancels its task (CF read
 * after the run), wrapped and awaited (RCT-1.4) by the coroutine or a task (cancelled with its
 * wait for F by asyncio.run, where the coroutine is long; where CF was cancelled before its
 * callback ran, F is awaited, its CancelledError caught, behind a callback's refused set_result;
 * or F set by the program while CF pends, which leaves CF alone), with the refusals of a
 * non-coroutine and a non-future and the asyncio future wrap_future returns as is. From a loop
 * not running yet (the main thread, before run_until_complete; a long coroutine left pending
 * there, CF cancelled after the loop closed). From an executor job while
 * the loop runs: the coroutine runs as a task of that loop, in its thread (what the job could
 * observe of CF is real thread timing: not generated). And CF cancelled before the loop runs,
 * its task cancelled at a timer's sleep, not a sleep(0) (cancelAtTimerPrograms). Every statement
 * but the call and the loop can be left out by the shrinker.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, kept, keeps, program } from './blocks.ts';

const sleep0: Stmt = { op: 'sleep', delay: 0 };
const call = (method: 'done' | 'cancelled' | 'cancel' | 'result' | 'exception'): Stmt => ({ op: 'cfuture_call', future: 'CF', method });

type End = 'return' | 'raise' | 'long';
/**
 * The coroutine: a mark, a few sleep(0), then a result, an exception, or a sleep nothing waits for (each but the end
 * removable; with `returns` false, the return of a result is left out too: it returns None).
 */
const coroutine = (keep: (...s: Stmt[]) => Stmt[], steps: number, end: End, returns = true): Stmt[] => [
  ...keep({ op: 'mark', tag: 'c' }),
  ...Array.from({ length: steps }, () => keep(sleep0)).flat(),
  ...(end === 'long' ? [{ op: 'sleep', delay: 30 } as Stmt, ...keep({ op: 'mark', tag: 'never' })] : []),
  ...(end === 'raise' ? [{ op: 'raise', message: 'boom' } as Stmt] : returns || end === 'long' ? [{ op: 'return', value: 5 } as Stmt] : []),
];

/**
 * In the loop's thread: CF pending, cancelled or not, wrapped or not, then done. Between the
 * iterations that follow the call, CF (or F, where wrapped) is read after each sleep(0), so
 * that the iteration in which each becomes done is seen (RCT-1.2, RCT-1.4).
 */
export const ownThreadPrograms = fc
  .tuple(
    fc.nat(2),
    fc.constantFrom<End>('return', 'return', 'raise', 'long'),
    // CF cancelled (early, late) or not; or F set while CF pends ('set', where F is made). One draw, so that a
    // failure found with one shrinks to 'none', every statement kept: with the await of F the others lack.
    fc.constantFrom<'none' | 'early' | 'late' | 'set'>('none', 'none', 'early', 'late', 'set'),
    fc.boolean(),
    fc.nat(3),
    // Every statement's flag, at most: 4 in the coroutine, 45 in the run and after it (6 watches of 3).
    keeps(49),
    // The coroutine's `return 5`, drawn last (a flag of its own, shrunk last): left out, CF's result is None.
    kept,
  )
  .map(([steps, end, mode, wrap, when, flags, returns]) => {
    const keep = flagged(flags);
    // A statement of one drawn case only still reads its flag in every case: where a draw shrinks (cancel 'late' to
    // 'none', say), no other statement's flag moves, and the smaller program keeps what the failing one kept.
    const keepIf = (cond: boolean, ...stmts: Stmt[]): Stmt[] => {
      const kept = keep(...stmts);
      return cond ? kept : [];
    };
    // K1, the task that awaits F, where it is made (and kept): awaited later on.
    let k1 = false;
    const task1 = (cond: boolean): Stmt[] => {
      const made = keepIf(cond, { op: 'create_task', as: 'K1', body: [{ op: 'await', task: 'F' }] });
      k1 ||= made.length > 0;
      return made;
    };
    // F set by the program while CF is pending: CF is not cancelled (RCT-1.4), and is read, not F, from then on
    // (F is not awaited: what it holds once CF is done, the copy refused, is what set_result keeps, FUT-1's).
    const set = wrap && mode === 'set';
    const cancel = mode === 'set' ? 'none' : mode;
    // A long coroutine is cancelled (or left to asyncio.run's cancellation) rather than awaited.
    const awaitF = wrap && cancel === 'none' && end !== 'long' && !set;
    const watch = (i: number): Stmt[] => [
      ...keep(sleep0),
      ...keepIf(cancel === 'late' && i === when, call('cancel')),
      ...(wrap && !set ? keep({ op: 'future_call', future: 'F', method: 'done' }) : keep(call('done'))),
    ];
    return program([
      {
        op: 'asyncio_run',
        body: [
          { op: 'get_running_loop', as: 'L' },
          { op: 'run_coroutine_threadsafe', loop: 'L', as: 'CF', body: coroutine(keep, steps, end, returns) },
          ...keep(call('done')),
          ...keep(call('result')),
          ...keepIf(cancel === 'early', call('cancel')),
          ...keep({ op: 'mark', tag: 'after' }),
          ...(wrap ? [{ op: 'wrap_future', future: 'CF', loop: 'L', as: 'F' } as Stmt] : []),
          ...keepIf(set, { op: 'future_call', future: 'F', method: 'set_result', value: 1 }),
          ...keepIf(set, call('done')),
          // A task waiting for F: where it is cancelled (asyncio.run's shutdown, a long coroutine), so is F, and F cancels CF.
          ...task1(wrap && !set && cancel !== 'early'),
          // CF cancelled before its callback ran: the copy cancels F, so K1's await raises CancelledError at once, and
          // a timer's F.set_result(2) is refused (InvalidStateError) while the coroutine sleeps past it; where F is left
          // pending, that timer sets it and K1's await returns 2 (nothing in the coroutine awaits F: no hang).
          ...task1(wrap && cancel === 'early'),
          ...keepIf(wrap && cancel === 'early', {
            op: 'call_later',
            loop: 'L',
            delay: 0.05,
            body: [{ op: 'future_call', future: 'F', method: 'set_result', value: 2 }],
          }),
          ...keepIf(wrap && cancel === 'early', { op: 'sleep', delay: 0.1 }),
          ...Array.from({ length: steps + 4 }, (_, i) => watch(i)).flat(),
          ...keepIf(awaitF, { op: 'await', task: 'F' }),
          // K1 awaited, so that its await of F is seen without the sleeps before it: a shrunk counterexample keeps this
          // await, not a row of sleep(0)s. Only where F ends whatever the copy does (not cancelled, not long): where F
          // is done by a cancel alone, an implementation that drops it would hang here, and a hang stops the shrinking.
          ...keepIf(k1 && awaitF, { op: 'await', task: 'K1', catch: true }),
          ...keep(sleep0),
          ...keep(sleep0),
          ...keep(call('done')),
          ...keep(call('cancelled')),
          ...keep(call('result')),
          ...keep(call('exception')),
          // A long coroutine not cancelled yet is left to asyncio.run (CF read after the run).
          ...keepIf(end !== 'long' || cancel !== 'none', call('cancel')),
          ...keep({ op: 'wrap_future', arg: 5, loop: 'L' }),
          ...keep({ op: 'run_coroutine_threadsafe', loop: 'L', arg: 7, body: [] }),
          ...keep({ op: 'create_future', loop: 'L', as: 'G' }),
          ...keep({ op: 'wrap_future', future: 'G', loop: 'L' }),
          ...keep({ op: 'return', value: 1 }),
        ],
      },
      // After the run: a long coroutine's task, cancelled by asyncio.run, cancelled CF too (RCT-1.2). Not where F was
      // set: what the set did to CF is read in the run (a shrunk counterexample keeps that read, not one after).
      ...keepIf(!set, call('done')),
      ...keepIf(!set, call('cancelled')),
      ...keepIf(!set, call('exception')),
    ]);
  });

/**
 * Before the loop runs (the main thread): CF pending, then run_until_complete runs its coroutine;
 * a long one is left pending in its sleep, CF with it, and CF is cancelled after the loop closed
 * (True: the cancel it forwards to the task is refused, call_soon_threadsafe on a closed loop, in
 * a done callback, which concurrent.futures logs).
 */
export const idleLoopPrograms = fc
  // A long coroutine in half the draws: only it leaves CF pending past close(L) (the forwarded cancel refused there).
  .tuple(fc.nat(2), fc.constantFrom<End>('return', 'raise', 'long', 'long'), fc.boolean(), fc.nat(3), keeps(19), kept)
  .map(([steps, end, cancel, waits, flags, returns]) => {
    const keep = flagged(flags);
    return program([
      { op: 'new_event_loop', as: 'L' },
      { op: 'run_coroutine_threadsafe', loop: 'L', as: 'CF', body: coroutine(keep, steps, end, returns) },
      ...keep(call('done')),
      ...keep(call('exception')),
      ...(cancel ? keep(call('cancel')) : []),
      {
        op: 'run_until_complete',
        loop: 'L',
        body: [...keep({ op: 'mark', tag: 'm' }), ...Array.from({ length: waits + steps + 3 }, () => keep(sleep0)).flat()],
      },
      ...keep(call('done')),
      ...keep(call('cancelled')),
      ...keep(call('result')),
      ...keep(call('exception')),
      ...keep({ op: 'close', loop: 'L' }),
      ...keep(call('cancel')),
      ...keep(call('cancelled')),
      ...keep(call('done')),
    ]);
  });

/**
 * RCT-1.3 away from the round robin: CF cancelled before its callback ran, the coroutine's first
 * suspension a sleep(0.05), run_until_complete's coroutine waiting at a sleep(0.15) (0.1 s
 * beyond it, against stalls of a loaded machine). The forwarded cancel reaches the task in the
 * iteration after its first step, at that sleep, which raises CancelledError long before the
 * run ends; a cancel not forwarded lets the sleep return None. No sleep(0) decides it, so a loop
 * whose sleep(0) does not yield passes here (TASK-5.2 conditions the sleep(0) programs above).
 */
export const cancelAtTimerPrograms = keeps(8).map((flags) => {
  const keep = flagged(flags);
  return program([
    { op: 'new_event_loop', as: 'L' },
    {
      op: 'run_coroutine_threadsafe',
      loop: 'L',
      as: 'CF',
      body: [
        ...keep({ op: 'mark', tag: 'c' }),
        { op: 'sleep', delay: 0.05 },
        ...keep({ op: 'mark', tag: 'never' }),
        { op: 'return', value: 5 },
      ],
    },
    ...keep(call('done')),
    call('cancel'),
    {
      op: 'run_until_complete',
      loop: 'L',
      body: [...keep({ op: 'mark', tag: 'm' }), { op: 'sleep', delay: 0.15 }, ...keep({ op: 'mark', tag: 'end' })],
    },
    ...keep(call('cancelled')),
    ...keep(call('exception')),
    ...keep({ op: 'close', loop: 'L' }),
  ]);
});

/**
 * From an executor job (run_in_executor, on the default executor or on L given) while the loop runs: the coroutine runs
 * in the loop's thread (to_thread would add 3.8's AttributeError, CTX-1.4's, to this rule's programs).
 */
export const workerPrograms = fc
  .tuple(fc.boolean(), fc.constantFrom<'return' | 'raise'>('return', 'raise'), keeps(10))
  .map(([onL, end, flags]) => {
    const keep = flagged(flags);
    const job: Stmt[] = [
      {
        op: 'run_coroutine_threadsafe',
        loop: 'L',
        body: [
          ...keep({ op: 'current_thread' }),
          ...keep({ op: 'get_running_loop' }),
          ...keep({ op: 'current_task' }),
          end === 'raise' ? { op: 'raise', message: 'boom' } : { op: 'return', value: 3 },
        ],
      },
      ...keep({ op: 'run_coroutine_threadsafe', loop: 'L', arg: 7, body: [] }),
      { op: 'return', value: 'job' },
    ];
    return program([
      {
        op: 'asyncio_run',
        body: [
          { op: 'get_running_loop', as: 'L' },
          { op: 'run_in_executor', body: job, ...(onL ? { loop: 'L' } : {}) },
          ...keep(sleep0),
          ...keep(sleep0),
          ...keep(sleep0),
          ...keep({ op: 'return', value: 1 }),
        ],
      },
    ]);
  });

/** Every shape of RCT-1. */
export const threadsafePrograms = fc.oneof(
  { weight: 5, arbitrary: ownThreadPrograms },
  { weight: 2, arbitrary: idleLoopPrograms },
  { weight: 2, arbitrary: workerPrograms },
  { weight: 1, arbitrary: cancelAtTimerPrograms },
);
