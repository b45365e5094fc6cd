/**
 * TIME-1: the loop's clock. Three shapes: clock reads of two loops before, inside (the
 * coroutine, a callback), after and between runs, in a thread started and joined at once, and
 * after close, with another loop's run advancing the clock in between (TIME-1.1); timers of
 * call_later and call_at made before a run, after another loop's run advanced the clock, and
 * inside the run (after a sleep), their when() read, their callbacks asking whether they are
 * due, deadlines 0.5 ms apart among them, the run sleeping past every deadline (TIME-1.2,
 * TIME-1.3); call_at timers cancelled (once or twice) before the run, in the coroutine or in a
 * callback, cancelled() asked before and after (TIME-1.4). Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

const some = <T>(arb: fc.Arbitrary<T>, max: number) =>
  fc.array(removable(arb), { maxLength: max }).map((xs) => xs.filter((x): x is T => x !== null));

const read = (loop: string): Stmt => ({ op: 'loop_time', loop });
const sleep = (delay: number): Stmt => ({ op: 'sleep', delay });
/** A run of L2 that advances the clock (real, or the model's virtual time). */
const elsewhere = (delay: number): Stmt => ({ op: 'run_until_complete', loop: 'L2', body: [sleep(delay)] });

/** TIME-1.1: reads of L1's (and L2's) clock everywhere a program can read it. */
export const clockPrograms = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.constantFrom(0, 0.05),
    fc.constantFrom(0, 0.02),
    some(fc.constantFrom('L1', 'L2'), 3),
    fc.boolean(),
    keeps(12),
  )
  .map(([n, inner, advance, extra, thread, flags]) => {
    const keep = flagged(flags);
    const reads = (loop: string, k: number) => Array.from({ length: k }, () => read(loop));
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...reads('L1', n),
      ...keep(elsewhere(advance)),
      ...extra.map(read),
      ...keep({
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          ...keep(read('L1')),
          ...keep({ op: 'call_soon', loop: 'L1', body: [read('L1'), read('L1')] }),
          ...keep(read('L1')),
          sleep(inner),
          ...keep(read('L1')),
          ...keep({ op: 'call_later', loop: 'L1', delay: 0, body: [read('L1')] }),
          sleep(0.01),
        ],
      }),
      ...reads('L1', n),
      ...(thread
        ? keep({ op: 'start_thread', thread: 'T1', body: [read('L1'), read('L2'), read('L1')] }, { op: 'join_thread', thread: 'T1' })
        : []),
      ...keep({ op: 'close', loop: 'L1' }),
      ...keep(read('L1')),
    ]);
  });

/** A timer: call_later or call_at, its delay, whether its callback asks if it is due, cancelled or not. */
interface TimerSpec {
  how: 'later' | 'at';
  delay: number;
  due: boolean;
  when: boolean;
}
const timerSpec = (hows: Array<'later' | 'at'>): fc.Arbitrary<TimerSpec> =>
  fc.record({
    how: fc.constantFrom(...hows),
    delay: fc.constantFrom(0, 0.0005, 0.05, 0.0505, 0.1),
    due: fc.boolean(),
    when: fc.boolean(),
  });

/** The statements of timer `H<i>` on L1: made, and its when() read. */
function timer(i: number, t: TimerSpec, tag: string): Stmt[] {
  const h = `H${i}`;
  const body: Stmt[] = [...(t.due ? [{ op: 'timer_due', handle: h } as Stmt] : []), { op: 'mark', tag }];
  const make: Stmt =
    t.how === 'at'
      ? { op: 'call_at', loop: 'L1', delay: t.delay, body, as: h }
      : { op: 'call_later', loop: 'L1', delay: t.delay, body, as: h };
  return [make, ...(t.when ? [{ op: 'timer_when', handle: h } as Stmt] : [])];
}

/**
 * TIME-1.2, TIME-1.3: timers made before L1 runs, after L2's run advanced the clock, and in
 * L1's coroutine before and after a sleep; the coroutine then sleeps past every deadline, and
 * when() of each is read again at the end.
 */
export const timerPrograms = fc
  .tuple(
    some(timerSpec(['later', 'at', 'at']), 2),
    some(timerSpec(['later', 'at', 'at']), 2),
    some(timerSpec(['later', 'at', 'at']), 2),
    some(timerSpec(['later', 'at', 'at']), 2),
    fc.constantFrom(0.02, 0.05),
    fc.boolean(),
    keeps(4),
  )
  .map(([before, advanced, inside, slept, advance, whenAtEnd, flags]) => {
    const keep = flagged(flags);
    let i = 0;
    const tags = 'abcdefgh';
    const make = (ts: TimerSpec[]) => ts.flatMap((t) => timer(++i, t, tags[i - 1]));
    const first = make(before);
    const second = make(advanced);
    const third = make(inside);
    const fourth = make(slept);
    const handles = Array.from({ length: i }, (_, k): Stmt => ({ op: 'timer_when', handle: `H${k + 1}` }));
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...first,
      ...keep(elsewhere(advance)),
      ...second,
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [...third, ...keep(sleep(0.03)), ...fourth, sleep(0.25)],
      },
      ...(whenAtEnd ? handles : []),
    ]);
  });

/** TIME-1.4: call_at timers cancelled before the run, in the coroutine, or in a callback; cancelled() asked around. */
export const cancelPrograms = fc
  .tuple(
    fc.array(
      fc.record({
        delay: fc.constantFrom(0, 0.05, 0.1),
        where: fc.constantFrom<'before' | 'coro' | 'callback' | 'never'>('before', 'coro', 'callback', 'never'),
        twice: fc.boolean(),
        ask: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    keeps(3),
  )
  .map(([timers, flags]) => {
    const keep = flagged(flags);
    const h = (i: number) => `H${i + 1}`;
    const cancel = (i: number, twice: boolean): Stmt[] => [
      { op: 'cancel_handle', handle: h(i) },
      ...(twice ? [{ op: 'cancel_handle', handle: h(i) } as Stmt] : []),
      { op: 'handle_cancelled', handle: h(i) },
    ];
    const made = timers.flatMap((t, i): Stmt[] => [
      { op: 'call_at', loop: 'L1', delay: t.delay, body: [{ op: 'mark', tag: 'abc'[i] }], as: h(i) },
      ...(t.ask ? [{ op: 'handle_cancelled', handle: h(i) } as Stmt] : []),
    ]);
    const at = (w: string) => timers.flatMap((t, i) => (t.where === w ? cancel(i, t.twice) : []));
    const inCallback = at('callback');
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...made,
      ...at('before'),
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [...at('coro'), ...(inCallback.length > 0 ? [{ op: 'call_soon', loop: 'L1', body: inCallback } as Stmt] : []), sleep(0.2)],
      },
      ...timers.map((_, i): Stmt => ({ op: 'handle_cancelled', handle: h(i) })),
      ...keep({ op: 'close', loop: 'L1' }),
    ]);
  });

/** Every shape of TIME-1. */
export const timePrograms = fc.oneof(
  { weight: 2, arbitrary: clockPrograms },
  { weight: 4, arbitrary: timerPrograms },
  { weight: 2, arbitrary: cancelPrograms },
);
