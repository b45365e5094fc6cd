/**
 * FUT-1: a loop's futures. Three shapes: futures of a new loop (or of a closed one) asked and
 * set, from the main body or from a coroutine the loop runs (FUT-1.1, FUT-1.3); done callbacks
 * added before and after the future is set, among call_soon callbacks, a mark after each set
 * (FUT-1.2); a coroutine that awaits a future of its loop (set by a callback, or before) or of
 * another loop, pending or done (FUT-1.4). No thread, fork or exception handler: a future set
 * from another thread races its loop, and asyncio may call the handler for a future's
 * exception nobody read when the garbage collector reclaims it. Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

type Method = Extract<Stmt, { op: 'future_call' }>['method'];

const some = <T>(arb: fc.Arbitrary<T>, max: number, min = 0) =>
  fc.array(removable(arb), { minLength: min, maxLength: max }).map((xs) => xs.filter((x): x is T => x !== null));

const call = (future: string, method: Method, arg?: string | number): Stmt => {
  if (method === 'set_result') return { op: 'future_call', future, method, value: arg ?? null };
  if (method === 'set_exception') return { op: 'future_call', future, method, message: String(arg ?? 'e') };
  return { op: 'future_call', future, method };
};
const mark = (tag: string): Stmt => ({ op: 'mark', tag });
const value = fc.constantFrom<string | number>(1, 2, 'x');

/** A call on F1 or F2: asked mostly, set now and then (twice: the InvalidStateError). */
const futureStep: fc.Arbitrary<Stmt> = fc
  .tuple(
    fc.constantFrom('F1', 'F1', 'F2'),
    fc.constantFrom<Method>('get_loop', 'done', 'result', 'exception', 'done', 'result', 'set_result', 'set_exception'),
    value,
  )
  .map(([f, method, v]) => call(f, method, method === 'set_exception' ? `e${v}` : v));

/** FUT-1.1, FUT-1.3: F1 of L1, F2 of L1 or of L2 (closed now and then), asked and set before, in and after a run of L1. */
export const futureStatePrograms = fc
  .tuple(fc.constantFrom('L1', 'L2'), fc.boolean(), some(futureStep, 5, 1), some(futureStep, 4), some(futureStep, 3), keeps(4))
  .map(([f2loop, closeL2, before, inside, after, flags]) => {
    const keep = flagged(flags);
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...(closeL2 ? [{ op: 'close', loop: 'L2' } as Stmt] : []),
      { op: 'create_future', loop: 'L1', as: 'F1' },
      ...keep({ op: 'create_future', loop: f2loop, as: 'F2' }),
      ...before,
      ...keep({ op: 'run_until_complete', loop: 'L1', body: [...inside, { op: 'sleep', delay: 0 }] }),
      ...after,
    ]);
  });

type CbStep = ['add' | 'soon' | 'set', string, string];

/** A step of the done-callback shape: add a done callback to F1 or F2, queue a call_soon callback, or set F1 or F2. */
const cbStep: fc.Arbitrary<CbStep> = fc.tuple(
  fc.constantFrom<CbStep[0]>('add', 'add', 'add', 'soon', 'set', 'set'),
  fc.constantFrom('F1', 'F1', 'F2'),
  fc.constantFrom('a', 'b', 'c', 'd', 'e'),
);

/** A done callback's body: its mark first (the ordering), then now and then what it sees of its future. */
const cbBody = (f: string, t: string, look: boolean): Stmt[] => [mark(t), ...(look ? [call(f, 'done'), call(f, 'result')] : [])];

function cbStmts([what, f, t]: CbStep, look: boolean): Stmt[] {
  if (what === 'add') return [{ op: 'add_done_callback', future: f, body: cbBody(f, t, look) }];
  if (what === 'soon') return [{ op: 'call_soon', loop: 'L1', body: [mark(t)] }];
  // a mark right after the set: a done callback runs after it, never inside set_result
  return [call(f, 'set_result', t), mark(`after-${t}`)];
}

/**
 * FUT-1.2: done callbacks added to F1 and F2 (of L1) before and after they are set, call_soon
 * callbacks between, from the main body (the loop idle) or from the coroutine of a run of L1;
 * the loop runs after (or sleeps) so that the callbacks run.
 */
export const doneCallbackPrograms = fc
  .tuple(fc.array(removable(cbStep), { minLength: 2, maxLength: 7 }), fc.boolean(), fc.boolean(), keeps(2))
  .map(([drawn, inside, look, flags]) => {
    const keep = flagged(flags);
    const steps = drawn.filter((x): x is CbStep => x !== null).flatMap((x) => cbStmts(x, look));
    return program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'create_future', loop: 'L1', as: 'F1' },
      ...keep({ op: 'create_future', loop: 'L1', as: 'F2' }),
      ...(inside ? [] : steps),
      { op: 'run_until_complete', loop: 'L1', body: [...(inside ? steps : []), { op: 'sleep', delay: 0 }, { op: 'sleep', delay: 0 }] },
      ...keep({ op: 'close', loop: 'L1' }),
    ]);
  });

/**
 * FUT-1.4: a coroutine run by L1 awaits F, a future of L1 or of L2: set before (a result or an
 * exception), or (L1's) set by a call_soon callback of L1 queued before the await, or (L2's)
 * pending: the RuntimeError; then asks F's state.
 */
export const awaitFuturePrograms = fc
  .tuple(
    fc.constantFrom('L1', 'L2', 'L2'),
    fc.constantFrom<'before' | 'callback' | 'pending'>('before', 'callback', 'pending', 'pending'),
    fc.constantFrom<Method>('set_result', 'set_exception'),
    value,
    keeps(4),
  )
  .map(([loop, when, how, v, flags]) => {
    const keep = flagged(flags);
    const set = call('F1', how, how === 'set_exception' ? `e${v}` : v);
    // A pending future of L1 that nothing sets would hang the run: a callback of L1 sets it.
    // Not one of L2's: whether that callback runs before the run ends would be the queue's order (SCHED-1).
    const setter: Stmt[] = loop === 'L1' && when !== 'before' ? [{ op: 'call_soon', loop: 'L1', body: [set] }] : [];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'new_event_loop', as: 'L2' },
      { op: 'create_future', loop, as: 'F1' },
      ...(when === 'before' ? [set] : []),
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [...setter, ...keep(mark('a')), { op: 'await', task: 'F1' }, ...keep(call('F1', 'done')), ...keep(mark('b'))],
      },
      ...keep(call('F1', 'done')),
      ...keep({ op: 'close', loop: 'L2' }),
    ]);
  });

/** Every shape of FUT-1. */
export const futurePrograms = fc.oneof(
  { weight: 2, arbitrary: futureStatePrograms },
  { weight: 4, arbitrary: doneCallbackPrograms },
  { weight: 3, arbitrary: awaitFuturePrograms },
);
