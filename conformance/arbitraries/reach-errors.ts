/**
 * ERR-1: a loop's exception handler. Three shapes: handlers set (a function, None, an int)
 * and asked on two new loops, before, during and after a run (ERR-1.1); callbacks that raise
 * among callbacks that do not, on a loop with a handler that reads what it was called with
 * (and may raise itself), or with none (ERR-1.2, ERR-1.4); call_exception_handler called
 * directly, from the main body or a coroutine, with or without an exception, its handler
 * raising or not (ERR-1.3, ERR-1.4). No task, executor job, stop or fork: asyncio may call
 * the handler for those when the garbage collector reclaims them (out of the model). Every
 * statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

type Key = Extract<Stmt, { op: 'handler_context' }>['key'];

const some = <T>(arb: fc.Arbitrary<T>, max: number) =>
  fc.array(removable(arb), { maxLength: max }).map((xs) => xs.filter((x): x is T => x !== null));

/** A handler's body: what it was called with, read in some order; sometimes it raises at the end. */
const handlerBody = (raises: fc.Arbitrary<boolean>): fc.Arbitrary<Stmt[]> =>
  fc
    .tuple(
      fc.array(removable(fc.constantFrom<Key>('keys', 'message', 'exception', 'loop')), { minLength: 1, maxLength: 4 }),
      removable(fc.constant<Stmt>({ op: 'current_thread' })),
      raises,
    )
    .map(([keys, thread, raise]) => [
      ...keys.filter((k): k is Key => k !== null).map((key): Stmt => ({ op: 'handler_context', key })),
      ...(thread ? [thread] : []),
      ...(raise ? [{ op: 'raise', message: 'in handler' } as Stmt] : []),
    ]);

const setHandler = (loop: string, body: Stmt[]): Stmt => ({ op: 'set_exception_handler', loop, body });
const getHandler = (loop: string): Stmt => ({ op: 'get_exception_handler', loop });

/** A step on L1 or L2: set a handler (a function, None or an int) or ask for it. */
const handlerStep: fc.Arbitrary<Stmt> = fc
  .tuple(fc.constantFrom('L1', 'L1', 'L2'), fc.constantFrom<'get' | 'fn' | 'none' | 'int'>('get', 'get', 'fn', 'none', 'int'))
  .map(([loop, what]): Stmt => {
    if (what === 'get') return getHandler(loop);
    if (what === 'fn') return setHandler(loop, []);
    return { op: 'set_exception_handler', loop, body: [], arg: what === 'none' ? null : 7 };
  });

/** ERR-1.1: two new loops, their handlers set and asked before, during and after a run of L1, and after it closes. */
export const handlerSetPrograms = fc
  .tuple(some(handlerStep, 4), some(handlerStep, 3), some(handlerStep, 3), keeps(5))
  .map(([before, inside, after, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...keep(getHandler('L1')),
      ...before,
      ...keep({ op: 'run_until_complete', loop: 'L1', body: [...inside, { op: 'sleep', delay: 0 }] }),
      ...after,
      ...keep({ op: 'close', loop: 'L1' }),
    ]);
  });

type Cb = ['soon' | 'later' | 'threadsafe', boolean, string];

/** A callback: how it is scheduled, whether it raises, its mark (first, for the ordering rules). */
const cb: fc.Arbitrary<Cb> = fc.tuple(
  fc.constantFrom<Cb[0]>('soon', 'soon', 'later', 'threadsafe'),
  fc.boolean(),
  fc.constantFrom('a', 'b', 'c', 'd'),
);

/**
 * Every callback raises the same ValueError('cb'): which of them the handler saw last is the
 * queue's order (SCHED-1, SCHED-2), not ERR-1's to judge.
 */
function scheduled(loop: string, [how, raises, t]: Cb): Stmt {
  const body: Stmt[] = [{ op: 'mark', tag: t }, ...(raises ? [{ op: 'raise', message: 'cb' } as Stmt] : [])];
  if (how === 'soon') return { op: 'call_soon', loop, body };
  if (how === 'later') return { op: 'call_later', loop, delay: 0, body };
  return { op: 'call_soon_threadsafe', loop, body };
}

/**
 * ERR-1.2 (ERR-1.4 where the handler raises): a raising callback first, then more, some
 * raising, scheduled before the run or from inside it; the handler set before (or, now and
 * then, not at all); the coroutine sleeps so that they run.
 */
export const callbackRaisesPrograms = fc
  .tuple(
    handlerBody(fc.boolean()),
    fc.constantFrom('set', 'set', 'set', 'set', 'set', 'set', 'set', 'set', 'set', 'unset'),
    fc.array(removable(cb), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    keeps(3),
  )
  .map(([body, handler, drawn, inside, flags]) => {
    const keep = flagged(flags);
    const cbs = drawn.filter((c): c is Cb => c !== null);
    // the first one raises: the shape is about raising callbacks
    const all = cbs.map((c, i) => scheduled('L1', i === 0 ? [c[0], true, c[2]] : c));
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...(handler === 'set' ? [setHandler('L1', body)] : []),
      ...(inside ? [] : all),
      ...keep({
        op: 'run_until_complete',
        loop: 'L1',
        body: [...(inside ? all : []), { op: 'sleep', delay: 0.01 }, ...keep(getHandler('L1'))],
      }),
      ...keep({ op: 'close', loop: 'L1' }),
    ]);
  });

/** One direct call: its message, with an exception or not. */
const direct = fc.tuple(fc.constantFrom('m1', 'm2', 'Exception in callback x()'), fc.constantFrom<string | null>('e1', null, 'e2'));

/**
 * ERR-1.3, ERR-1.4: handlers set one after another (a function that may raise, or None), each
 * called directly once or twice, from the main body or from a coroutine the loop runs.
 */
export const directCallPrograms = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof({ weight: 4, arbitrary: handlerBody(fc.constantFrom(true, true, false)) }, { weight: 1, arbitrary: fc.constant(null) }),
        fc.array(direct, { minLength: 1, maxLength: 2 }),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    fc.boolean(),
  )
  .map(([episodes, inside]) => {
    const steps = episodes.flatMap(([body, calls]): Stmt[] => [
      body === null ? { op: 'set_exception_handler', loop: 'L1', body: [], arg: null } : setHandler('L1', body),
      ...calls.map(
        ([message, exception]): Stmt =>
          exception === null
            ? { op: 'call_exception_handler', loop: 'L1', message }
            : { op: 'call_exception_handler', loop: 'L1', message, exception },
      ),
    ]);
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...(inside ? [{ op: 'run_until_complete', loop: 'L1', body: steps } as Stmt] : steps),
      getHandler('L1'),
    ]);
  });

/** Every shape of ERR-1. */
export const errorPrograms = fc.oneof(
  { weight: 2, arbitrary: handlerSetPrograms },
  { weight: 5, arbitrary: callbackRaisesPrograms },
  { weight: 5, arbitrary: directCallPrograms },
);
