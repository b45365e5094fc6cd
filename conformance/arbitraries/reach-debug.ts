/**
 * DEBUG-1: a loop's debug mode. Three shapes, one a clause: get_debug and set_debug on new
 * loops, running, stopped or closed (DEBUG-1.1); asyncio.run with debug=True, False or left
 * out, its loop asked from inside and after (DEBUG-1.2); and callbacks offered to a loop in
 * debug mode from a thread the coroutine starts and joins at once while the loop runs, or from
 * the loop's own thread, or before the run (DEBUG-1.3). Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

const tag = fc.constantFrom('a', 'b', 'c', 'd');
const mark = (t: string): Stmt => ({ op: 'mark', tag: t });
const getDebug = (loop: string): Stmt => ({ op: 'get_debug', loop });
const setDebug = (loop: string, value: boolean): Stmt => ({ op: 'set_debug', loop, value });

/** A step on L1 or L2: set or ask their debug mode. */
const flagStep: fc.Arbitrary<Stmt> = fc
  .tuple(fc.constantFrom('L1', 'L1', 'L2'), fc.constantFrom<'get' | true | false>('get', 'get', true, false))
  .map(([loop, what]) => (what === 'get' ? getDebug(loop) : setDebug(loop, what)));

const steps = (max: number) => fc.array(removable(flagStep), { maxLength: max }).map((xs) => xs.filter((x): x is Stmt => x !== null));

/** DEBUG-1.1: two new loops, their flags set and asked before, during and after a run of L1, and after it closes. */
export const debugFlagPrograms = fc
  .tuple(steps(4), steps(3), steps(3), steps(2), keeps(5))
  .map(([before, inside, after, closed, flags]) => {
    const keep = flagged(flags);
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...keep(getDebug('L1')),
      ...before,
      ...keep({
        op: 'run_until_complete',
        loop: 'L1',
        body: [...inside, { op: 'sleep', delay: 0 }, ...inside.filter((s) => s.op === 'get_debug')],
      }),
      ...after,
      ...keep({ op: 'close', loop: 'L1' }),
      ...closed,
    ]);
  });

/** DEBUG-1.2: asyncio.run with debug given or not; its loop asked inside (and set), and after it returned. */
export const debugRunPrograms = fc
  .tuple(
    fc.constantFrom<boolean | undefined>(true, false, true, false, undefined),
    fc.array(removable(fc.boolean()), { maxLength: 2 }),
    fc.boolean(),
    keeps(4),
  )
  .map(([debug, sets, afterwards, flags]) => {
    const keep = flagged(flags);
    const inner = sets.filter((x): x is boolean => x !== null).flatMap((v) => [setDebug('L3', v), getDebug('L3')]);
    const body: Stmt[] = [
      ...keep({ op: 'get_running_loop', as: 'L3' }),
      ...keep(getDebug('L3')),
      ...keep({ op: 'sleep', delay: 0 }),
      ...keep(getDebug('L3')),
      ...inner,
    ];
    const run: Stmt = debug === undefined ? { op: 'asyncio_run', body } : { op: 'asyncio_run', body, debug };
    return program([run, ...(afterwards ? [getDebug('L3')] : [])]);
  });

/** How a callback is offered, and from where: a thread the coroutine starts and joins at once, or the loop's own thread. */
type Offer = ['soon' | 'later' | 'threadsafe', 'thread' | 'own', string | null];

const offer: fc.Arbitrary<Offer> = fc.tuple(
  fc.constantFrom<Offer[0]>('soon', 'soon', 'later', 'threadsafe'),
  fc.constantFrom<Offer[1]>('thread', 'thread', 'own'),
  removable(tag),
);

/** The callback's mark (removable) shows whether it ran. */
function offered(loop: string, [how, from, t]: Offer, i: number): Stmt[] {
  const body = t === null ? [] : [mark(t)];
  const cb: Stmt =
    how === 'soon'
      ? { op: 'call_soon', loop, body }
      : how === 'later'
        ? { op: 'call_later', loop, delay: 0, body }
        : { op: 'call_soon_threadsafe', loop, body };
  if (from === 'own') return [cb];
  const thread = `T${i + 1}`;
  return [
    { op: 'start_thread', thread, body: [cb] },
    { op: 'join_thread', thread },
  ];
}

/** Where a loop's debug mode comes from: set before the run, inside it, asyncio.run's debug, or not at all. */
type DebugFrom = 'before' | 'inside' | 'run' | 'off';

/**
 * A loop in debug mode (or not: `off`) offered callbacks from another thread while it runs,
 * from its own thread, and from another thread before it runs; the coroutine then sleeps, so
 * that what was scheduled runs.
 */
const threadOfferPrograms = (debugFrom: fc.Arbitrary<DebugFrom>) =>
  fc
    .tuple(debugFrom, fc.array(removable(offer), { minLength: 1, maxLength: 3 }), removable(offer), keeps(4))
    .map(([how, drawn, early, flags]) => {
      const keep = flagged(flags);
      const loop = how === 'run' ? 'L3' : 'L1';
      const offers = drawn.filter((o): o is Offer => o !== null).flatMap((o, i) => offered(loop, o, i));
      const body: Stmt[] = [
        ...(how === 'run' ? keep({ op: 'get_running_loop', as: 'L3' }, getDebug('L3')) : []),
        ...(how === 'inside' ? keep(setDebug('L1', true)) : []),
        ...offers,
        ...keep({ op: 'sleep', delay: 0.05 }),
      ];
      if (how === 'run') return program([{ op: 'asyncio_run', debug: true, body }]);
      return program([
        ...keep({ op: 'new_event_loop', as: 'L1' }),
        ...(how === 'before' ? [setDebug('L1', true)] : []),
        ...(early !== null && early[1] === 'thread' ? offered('L1', early, 8) : []),
        { op: 'run_until_complete', loop: 'L1', body },
      ]);
    });

/** DEBUG-1.3: callbacks offered to a loop in debug mode (sometimes not) from other threads and its own. */
export const debugThreadPrograms = threadOfferPrograms(fc.constantFrom<DebugFrom>('before', 'before', 'inside', 'run', 'off'));

/**
 * SCHED-1.1 and SCHED-1.2: call_soon and call_later from a thread the coroutine starts and
 * joins at once while its loop (not in debug mode) runs return None and queue the callback,
 * as from the loop's own thread: only debug mode checks the thread (DEBUG-1.3).
 */
export const plainThreadOfferPrograms = threadOfferPrograms(fc.constant<DebugFrom>('off'));

/** Every shape of DEBUG-1. */
export const debugPrograms = fc.oneof(
  { weight: 2, arbitrary: debugFlagPrograms },
  { weight: 3, arbitrary: debugRunPrograms },
  { weight: 4, arbitrary: debugThreadPrograms },
);
